import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, retryOnConflict } from '@app/eventstore';
import { PreconditionFailedError } from '@app/shared';
import { decide } from '../../../domain/user/user.decider.js';
import { IdentityNotFoundError, UserNotFoundError } from '../../../domain/user/user.errors.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { UserStreamRepository } from '../../../infrastructure/user-stream.repository.js';
import { DeleteIdentity } from './delete-identity.command.js';

@CommandHandler(DeleteIdentity)
export class DeleteIdentityHandler implements ICommandHandler<DeleteIdentity> {
  constructor(
    private readonly store: EventStore,
    private readonly streams: UserStreamRepository,
    private readonly users: UsersReadRepository,
  ) {}

  async execute({ input, metadata }: DeleteIdentity): Promise<void> {
    await retryOnConflict(async () => {
      const { state, version } = await this.streams.load(input.userId);
      // GitLab's order: 404 User, 404 Identity, then the If-Unmodified-Since precondition.
      if (state.status !== 'present') throw new UserNotFoundError();
      if (!state.identities.some((identity) => identity.provider === input.provider)) throw new IdentityNotFoundError();
      if (input.unmodifiedSince) {
        const row = await this.users.findById(input.userId);
        if (!row) throw new UserNotFoundError();
        if (Math.floor(row.updated_at.getTime() / 1000) > Math.floor(input.unmodifiedSince.getTime() / 1000)) throw new PreconditionFailedError();
      }
      const events = decide({ kind: 'remove_identity', provider: input.provider }, state, new Date());
      await this.store.transaction((tx) => this.streams.append(tx, input.userId, events, version, metadata));
    });
  }
}
