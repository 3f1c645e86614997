import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { ConflictError, ForbiddenError } from '@app/kernel';
import { checkUnmodifiedSince } from '@app/shared';
import { USER_DECIDER } from '../../../domain/identity.deciders.js';
import { EmailTakenError, UsernameTakenError, UserNotFoundError } from '../../../domain/user/user.errors.js';
import { userStreamId } from '../../../domain/user/user.events.js';
import { AvatarStore } from '../../../infrastructure/avatar-store.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { CreateUser } from '../create-user/create-user.command.js';
import { DeleteUser } from './delete-user.command.js';
import { ghostUserInput } from './ghost-user.js';

@CommandHandler(DeleteUser)
export class DeleteUserHandler implements ICommandHandler<DeleteUser> {
  constructor(
    private readonly commands: CommandPath,
    private readonly users: UsersReadRepository,
    private readonly bus: CommandBus,
    private readonly avatars: AvatarStore,
  ) {}

  async execute({ input, metadata }: DeleteUser): Promise<void> {
    // GitLab's order: 404, the ghost user's refusal, then If-Unmodified-Since (an updated_at the read model keeps).
    const row = await this.users.findById(input.userId);
    if (!row) throw new UserNotFoundError();
    if (row.user_type === 'ghost') throw new ForbiddenError('The ghost user cannot be removed', 'identity.ghost_not_removable');
    checkUnmodifiedSince(input.unmodifiedSince, row.updated_at);
    const ghostUserId = input.hardDelete ? null : await this.ghostUserId(metadata);
    await this.commands.handle(
      userStreamId(input.userId),
      USER_DECIDER,
      { kind: 'delete_user', hardDelete: input.hardDelete, ghostUserId },
      { metadata, alsoInTransaction: (tx) => this.avatars.remove(tx, input.userId) },
    );
  }

  /** The ghost user, created the first time a deletion needs it. */
  private async ghostUserId(metadata: DeleteUser['metadata']): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const existing = await this.users.findGhost();
      if (existing) return existing.id;
      try {
        return await this.bus.execute(new CreateUser(ghostUserInput(attempt === 0 ? null : attempt), metadata));
      } catch (error) {
        // Another deletion created it meanwhile, or a real user holds the name: look again, then try the next suffix.
        if (!(error instanceof UsernameTakenError || error instanceof EmailTakenError)) throw error;
      }
    }
    throw new ConflictError('Could not create the ghost user: its usernames are all taken', 'identity.ghost_unavailable');
  }
}
