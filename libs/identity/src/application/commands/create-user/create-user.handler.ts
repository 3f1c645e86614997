import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/eventstore';
import { Database } from '@app/shared';
import { decide, initialUserState } from '../../../domain/user/user.decider.js';
import { EmailTakenError, UsernameTakenError } from '../../../domain/user/user.errors.js';
import { AvatarStore } from '../../../infrastructure/avatar-store.js';
import { avatarUpload, mapUniqueViolation, saveAvatar } from '../../../infrastructure/user-write-support.js';
import { PasswordHasher } from '../../../infrastructure/password-hasher.js';
import type { UserRow } from '../../../infrastructure/user-row.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { UserStreamRepository } from '../../../infrastructure/user-stream.repository.js';
import { CreateUser } from './create-user.command.js';

@CommandHandler(CreateUser)
export class CreateUserHandler implements ICommandHandler<CreateUser> {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly streams: UserStreamRepository,
    private readonly users: UsersReadRepository,
    private readonly hasher: PasswordHasher,
    private readonly avatars: AvatarStore,
  ) {}

  async execute({ input, metadata }: CreateUser): Promise<UserRow> {
    // GitLab reports a taken email before a taken username, and both before other errors.
    if (await this.users.emailTaken(input.profile.email)) throw new EmailTakenError();
    if (await this.users.usernameTaken(input.profile.username)) throw new UsernameTakenError();

    const [ids] = await this.db.query<{ id: string; namespace_id: string }>(
      `SELECT ${input.id === undefined ? "nextval('users_id_seq')" : '$1::bigint'} AS id, nextval('namespaces_id_seq') AS namespace_id`,
      input.id === undefined ? [] : [input.id],
    );
    const id = Number(ids.id);
    const upload = avatarUpload(input.avatar);
    const events = decide(
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
      initialUserState,
      new Date(),
    );
    const password = input.passwordMode === 'given' && input.password !== null ? input.password : this.hasher.randomPassword();
    const hash = await this.hasher.hash(password);
    try {
      await this.store.transaction(async (tx) => {
        await this.streams.append(tx, id, events, 'no_stream', metadata);
        await tx.query('INSERT INTO user_password_hashes (user_id, password_hash) VALUES ($1, $2)', [id, hash]);
        await saveAvatar(this.avatars, tx, id, events, upload?.bytes);
      });
    } catch (error) {
      mapUniqueViolation(error);
    }
    const row = await this.users.findById(id);
    if (!row) throw new Error(`user ${id} was created but is not in the read model`);
    return row;
  }
}
