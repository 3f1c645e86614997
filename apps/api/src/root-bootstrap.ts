import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CreatePersonalAccessToken } from '@app/credentials';
import { CreateUser, UserLookup } from '@app/identity';
import { APP_CONFIG, Database, SYSTEM_METADATA, type AppConfig } from '@app/shared';

const BOOTSTRAP_LOCK_KEY = 7_345_003;
export const ROOT_TOKEN_SCOPES = ['api', 'read_api', 'read_user', 'sudo', 'admin_mode'];

/**
 * First boot of an empty database: user 1, `root`, an admin, with a personal access
 * token (ROOT_PERSONAL_ACCESS_TOKEN, or a generated one printed once). Later boots do nothing.
 */
@Injectable()
export class RootBootstrap {
  private readonly logger = new Logger(RootBootstrap.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly users: UserLookup,
    private readonly commands: CommandBus,
  ) {}

  /** Returns the plain token when this call created root, otherwise null. */
  async run(): Promise<string | null> {
    // Several processes may boot at once: one creates root, the others find it.
    return this.db.withClient(async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK_KEY]);
      try {
        return await this.createRootIfEmpty();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK_KEY]).catch(() => undefined);
      }
    });
  }

  private async createRootIfEmpty(): Promise<string | null> {
    if (!(await this.users.isEmpty())) return null;
    const metadata = SYSTEM_METADATA;
    const rootId = await this.commands.execute(
      new CreateUser(
        {
          id: 1,
          profile: { username: 'root', email: 'admin@example.com', name: 'Administrator', admin: true },
          password: null,
          passwordMode: 'random',
          skipConfirmation: true,
          identity: null,
          createdById: null,
        },
        metadata,
      ),
    );
    await this.db.query("SELECT setval('identity.users_id_seq', GREATEST((SELECT max(id) FROM identity.users), 1))");
    const created = await this.commands.execute(
      new CreatePersonalAccessToken(
        { userId: rootId, name: 'root bootstrap token', description: 'Created at first boot', scopes: ROOT_TOKEN_SCOPES, expiresAt: 'never', token: this.config.rootPersonalAccessToken },
        metadata,
      ),
    );
    this.logger.log({ userId: rootId }, 'Created the root admin (user 1) on first boot');
    return created.token;
  }
}
