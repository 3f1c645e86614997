import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/eventstore';
import { UserLookup, UserNotFoundError } from '@app/identity';
import { Database, generatePersonalAccessToken, tokenDigest } from '@app/shared';
import { decideCreateToken } from '../../../domain/personal-access-token/personal-access-token.decider.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CreatePersonalAccessToken, type CreatedPersonalAccessToken } from './create-personal-access-token.command.js';

@CommandHandler(CreatePersonalAccessToken)
export class CreatePersonalAccessTokenHandler implements ICommandHandler<CreatePersonalAccessToken> {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly users: UserLookup,
  ) {}

  async execute({ input, metadata }: CreatePersonalAccessToken): Promise<CreatedPersonalAccessToken> {
    if (!(await this.users.exists(input.userId))) throw new UserNotFoundError();
    const token = input.token ?? generatePersonalAccessToken();
    const [{ id }] = await this.db.query<{ id: string }>("SELECT nextval('personal_access_tokens_id_seq') AS id");
    const events = decideCreateToken(
      { id: Number(id), userId: input.userId, name: input.name, description: input.description, scopes: input.scopes, expiresAt: input.expiresAt, tokenDigest: tokenDigest(token) },
      new Date(),
    );
    await this.store.append(credentialsStreamId(input.userId), events, { expectedVersion: 'any', metadata });
    const { token_digest: _digest, ...created } = events[0].data;
    return { ...created, token };
  }
}
