import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { CREDENTIALS_DECIDER } from '../../../domain/credentials.deciders.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { RevokeAccessToken } from './revoke-access-token.command.js';

@CommandHandler(RevokeAccessToken)
export class RevokeAccessTokenHandler implements ICommandHandler<RevokeAccessToken> {
  constructor(
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
  ) {}

  async execute({ input, metadata }: RevokeAccessToken): Promise<void> {
    const owner = await this.owners.existing(input.userId);
    await this.commands.handle(credentialsStreamId(owner.id), CREDENTIALS_DECIDER, { kind: 'revoke_token', tokenId: input.tokenId, userId: owner.id, username: owner.username }, { metadata });
  }
}
