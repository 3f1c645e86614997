import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, retryOnConflict } from '@app/eventstore';
import { ConflictError, ForbiddenError, PreconditionFailedError } from '@app/shared';
import { decide } from '../../../domain/user/user.decider.js';
import { EmailTakenError, UsernameTakenError, UserNotFoundError } from '../../../domain/user/user.errors.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { AvatarStore } from '../../../infrastructure/avatar-store.js';
import { UserStreamRepository } from '../../../infrastructure/user-stream.repository.js';
import { CreateUser } from '../create-user/create-user.command.js';
import { DeleteUser } from './delete-user.command.js';
import { ghostUserInput } from './ghost-user.js';

@CommandHandler(DeleteUser)
export class DeleteUserHandler implements ICommandHandler<DeleteUser> {
  constructor(
    private readonly store: EventStore,
    private readonly streams: UserStreamRepository,
    private readonly users: UsersReadRepository,
    private readonly commands: CommandBus,
    private readonly avatars: AvatarStore,
  ) {}

  async execute({ input, metadata }: DeleteUser): Promise<void> {
    const row = await this.users.findById(input.userId);
    if (!row) throw new UserNotFoundError();
    if (row.user_type === 'ghost') throw new ForbiddenError('The ghost user cannot be removed', 'identity.ghost_not_removable');
    if (input.unmodifiedSince && Math.floor(row.updated_at.getTime() / 1000) > Math.floor(input.unmodifiedSince.getTime() / 1000)) {
      throw new PreconditionFailedError();
    }
    const ghostUserId = input.hardDelete ? null : await this.ghostUserId(metadata);
    await retryOnConflict(async () => {
      const { state, version } = await this.streams.load(input.userId);
      const events = decide({ kind: 'delete_user', hardDelete: input.hardDelete, ghostUserId }, state, new Date());
      await this.store.transaction(async (tx) => {
        await this.streams.append(tx, input.userId, events, version, metadata);
        await this.avatars.remove(tx, input.userId);
      });
    });
  }

  /** The ghost user, created the first time a deletion needs it. */
  private async ghostUserId(metadata: DeleteUser['metadata']): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const existing = await this.users.findGhost();
      if (existing) return existing.id;
      try {
        const ghost = await this.commands.execute(new CreateUser(ghostUserInput(attempt === 0 ? null : attempt), metadata));
        return ghost.id;
      } catch (error) {
        // Another deletion created it meanwhile, or a real user holds the name: look again, then try the next suffix.
        if (!(error instanceof UsernameTakenError || error instanceof EmailTakenError)) throw error;
      }
    }
    throw new ConflictError('Could not create the ghost user: its usernames are all taken', 'identity.ghost_unavailable');
  }
}
