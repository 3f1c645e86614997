import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { Database, generatePersonalAccessToken, tokenDigest } from '@app/shared';
import { CREDENTIALS_DECIDER } from '../../../domain/credentials.deciders.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { createdToken } from '../../tokens/created-token.js';
import type { CreatedPersonalAccessToken } from '../create-personal-access-token/create-personal-access-token.command.js';
import { RotateAccessToken } from './rotate-access-token.command.js';

@CommandHandler(RotateAccessToken)
export class RotateAccessTokenHandler implements ICommandHandler<RotateAccessToken> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
  ) {}

  async execute({ input, metadata }: RotateAccessToken): Promise<CreatedPersonalAccessToken> {
    const owner = await this.owners.existing(input.userId);
    const token = generatePersonalAccessToken();
    const [{ id }] = await this.db.query<{ id: string }>("SELECT nextval('credentials.personal_access_tokens_id_seq') AS id");
    const { events } = await this.commands.handle(
      credentialsStreamId(owner.id),
      CREDENTIALS_DECIDER,
      { kind: 'rotate_token', tokenId: input.tokenId, newId: Number(id), userId: owner.id, username: owner.username, expiresAt: input.expiresAt, tokenDigest: tokenDigest(token) },
      { metadata },
    );
    return createdToken(events, token);
  }
}
