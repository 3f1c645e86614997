import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, retryOnConflict } from '@app/eventstore';
import { decide } from '../../../domain/user/user.decider.js';
import { EmailTakenError, UsernameTakenError, UserNotFoundError } from '../../../domain/user/user.errors.js';
import { AvatarStore } from '../../../infrastructure/avatar-store.js';
import { PasswordHasher } from '../../../infrastructure/password-hasher.js';
import type { UserRow } from '../../../infrastructure/user-row.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { UserStreamRepository } from '../../../infrastructure/user-stream.repository.js';
import { avatarUpload, mapUniqueViolation, saveAvatar } from '../../../infrastructure/user-write-support.js';
import { UpdateUser } from './update-user.command.js';

@CommandHandler(UpdateUser)
export class UpdateUserHandler implements ICommandHandler<UpdateUser> {
  constructor(
    private readonly store: EventStore,
    private readonly streams: UserStreamRepository,
    private readonly users: UsersReadRepository,
    private readonly hasher: PasswordHasher,
    private readonly avatars: AvatarStore,
  ) {}

  async execute({ input, metadata }: UpdateUser): Promise<UserRow> {
    const hash = input.password !== null ? await this.hasher.hash(input.password) : null;
    const upload = avatarUpload(input.avatar);
    await retryOnConflict(async () => {
      const { state, version } = await this.streams.load(input.userId);
      if (state.status !== 'present') throw new UserNotFoundError();
      // GitLab's order: 404, then a taken email, then a taken username, then validation.
      if (input.changes.email !== undefined && (await this.users.emailTaken(input.changes.email, input.userId))) throw new EmailTakenError();
      if (input.changes.username !== undefined && (await this.users.usernameTaken(input.changes.username, input.userId))) {
        throw new UsernameTakenError();
      }
      const events = decide(
        { kind: 'update_user', actorId: input.actorId, changes: input.changes, password: input.password, skipReconfirmation: input.skipReconfirmation, identity: input.identity, avatar: upload?.meta ?? null },
        state,
        new Date(),
      );
      if (events.length === 0) return;
      try {
        await this.store.transaction(async (tx) => {
          await this.streams.append(tx, input.userId, events, version, metadata);
          await saveAvatar(this.avatars, tx, input.userId, events, upload?.bytes);
          if (hash !== null) {
            await tx.query(
              `INSERT INTO user_password_hashes (user_id, password_hash, updated_at) VALUES ($1, $2, now())
               ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
              [input.userId, hash],
            );
          }
        });
      } catch (error) {
        mapUniqueViolation(error);
      }
    });
    const row = await this.users.findById(input.userId);
    if (!row) throw new UserNotFoundError();
    return row;
  }
}
