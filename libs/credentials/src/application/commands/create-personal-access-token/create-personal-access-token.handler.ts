import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { UserLookup, UserNotFoundError } from '@app/identity';
import { Database, generatePersonalAccessToken, tokenDigest } from '@app/shared';
import { CREDENTIALS_DECIDER } from '../../../domain/credentials.deciders.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { createdToken } from '../../tokens/created-token.js';
import { CreatePersonalAccessToken, type CreatedPersonalAccessToken } from './create-personal-access-token.command.js';

@CommandHandler(CreatePersonalAccessToken)
export class CreatePersonalAccessTokenHandler implements ICommandHandler<CreatePersonalAccessToken> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly users: UserLookup,
  ) {}

  async execute({ input, metadata }: CreatePersonalAccessToken): Promise<CreatedPersonalAccessToken> {
    const owner = await this.users.byId(input.userId);
    if (!owner) throw new UserNotFoundError();
    const token = input.token ?? generatePersonalAccessToken();
    const [{ id }] = await this.db.query<{ id: string }>("SELECT nextval('credentials.personal_access_tokens_id_seq') AS id");
    const { events } = await this.commands.handle(
      credentialsStreamId(input.userId),
      CREDENTIALS_DECIDER,
      {
        ...(input.impersonatorId === undefined ? { kind: 'create_token' as const } : { kind: 'create_impersonation_token' as const, impersonatorId: input.impersonatorId }),
        id: Number(id),
        userId: input.userId,
        username: owner.username,
        name: input.name,
        description: input.description,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        tokenDigest: tokenDigest(token),
      },
      { metadata },
    );
    return createdToken(events, token);
  }
}
