import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { Database } from '@app/shared';
import { USER_DECIDER } from '../../../domain/identity.deciders.js';
import { EmailTakenError, UsernameTakenError } from '../../../domain/user/user.errors.js';
import { userStreamId } from '../../../domain/user/user.events.js';
import { AvatarStore } from '../../../infrastructure/avatar-store.js';
import { PasswordHasher } from '../../../infrastructure/password-hasher.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { avatarUpload, mapUniqueViolation, saveAvatar, storePasswordHash } from '../../../infrastructure/user-write-support.js';
import { CreateUser } from './create-user.command.js';

@CommandHandler(CreateUser)
export class CreateUserHandler implements ICommandHandler<CreateUser> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly users: UsersReadRepository,
    private readonly hasher: PasswordHasher,
    private readonly avatars: AvatarStore,
  ) {}

  async execute({ input, metadata }: CreateUser): Promise<number> {
    // GitLab answers a taken email before a taken username, and both before any validation error;
    // the unique indexes alone (which still decide races) cannot give that order.
    if (await this.users.emailTaken(input.profile.email)) throw new EmailTakenError();
    if (await this.users.usernameTaken(input.profile.username)) throw new UsernameTakenError();

    const [ids] = await this.db.query<{ id: string; namespace_id: string }>(
      `SELECT ${input.id === undefined ? "nextval('identity.users_id_seq')" : '$1::bigint'} AS id, nextval('identity.namespaces_id_seq') AS namespace_id`,
      input.id === undefined ? [] : [input.id],
    );
    const id = Number(ids.id);
    const upload = avatarUpload(input.avatar);
    let hash: string | null = null;
    await this.commands.handle(
      userStreamId(id),
      USER_DECIDER,
      {
        kind: 'create_user',
        id,
        namespaceId: Number(ids.namespace_id),
        createdById: input.createdById,
        userType: input.userType ?? 'human',
        profile: input.profile,
        passwordMode: input.passwordMode,
        password: input.password,
        skipConfirmation: input.skipConfirmation,
        identity: input.identity,
        avatar: upload?.meta ?? null,
      },
      {
        metadata,
        beforeAppend: async () => {
          const password = input.passwordMode === 'given' && input.password !== null ? input.password : this.hasher.randomPassword();
          hash ??= await this.hasher.hash(password);
        },
        alsoInTransaction: async (tx, events) => {
          await storePasswordHash(tx, id, hash!);
          await saveAvatar(this.avatars, tx, id, events, upload?.bytes);
        },
        onAppendError: mapUniqueViolation,
      },
    );
    return id;
  }
}
