import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { USER_DECIDER } from '../../../domain/identity.deciders.js';
import { EmailTakenError, UsernameTakenError, UserNotFoundError } from '../../../domain/user/user.errors.js';
import { userStreamId } from '../../../domain/user/user.events.js';
import { AvatarStore } from '../../../infrastructure/avatar-store.js';
import { PasswordHasher } from '../../../infrastructure/password-hasher.js';
import { firstUserRow, type UserRow } from '../../../infrastructure/user-row.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { avatarUpload, mapUniqueViolation, saveAvatar, storePasswordHash } from '../../../infrastructure/user-write-support.js';
import { UpdateUser } from './update-user.command.js';

@CommandHandler(UpdateUser)
export class UpdateUserHandler implements ICommandHandler<UpdateUser> {
  constructor(
    private readonly commands: CommandPath,
    private readonly users: UsersReadRepository,
    private readonly hasher: PasswordHasher,
    private readonly avatars: AvatarStore,
  ) {}

  async execute({ input, metadata }: UpdateUser): Promise<UserRow | null> {
    const upload = avatarUpload(input.avatar);
    let hash: string | null = null;
    const { readBack } = await this.commands.handle(
      userStreamId(input.userId),
      USER_DECIDER,
      async (state) => {
        if (state.status !== 'present') throw new UserNotFoundError();
        // GitLab's order is 404, a taken email, a taken username, then validation: the unique
        // indexes (which still decide races) cannot report before validation, so look first.
        if (input.changes.email !== undefined && (await this.users.emailTaken(input.changes.email, input.userId))) throw new EmailTakenError();
        if (input.changes.username !== undefined && (await this.users.usernameTaken(input.changes.username, input.userId))) throw new UsernameTakenError();
        return {
          kind: 'update_user' as const,
          actorId: input.actorId,
          changes: input.changes,
          password: input.password,
          skipReconfirmation: input.skipReconfirmation,
          identity: input.identity,
          avatar: upload?.meta ?? null,
          confirmedSecondaryEmails:
            input.changes.public_email !== undefined || input.changes.commit_email !== undefined ? await this.users.confirmedSecondaryEmails(input.userId) : undefined,
        };
      },
      {
        metadata,
        beforeAppend: async () => {
          if (input.password !== null) hash ??= await this.hasher.hash(input.password);
        },
        alsoInTransaction: async (tx, events) => {
          await saveAvatar(this.avatars, tx, input.userId, events, upload?.bytes);
          if (hash !== null) await storePasswordHash(tx, input.userId, hash);
        },
        onAppendError: mapUniqueViolation,
        readAfter: this.users.byIdStatement(input.userId),
      },
    );
    return firstUserRow(readBack);
  }
}
