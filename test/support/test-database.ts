import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '../../libs/shared/src/index.js';
import { MIGRATIONS } from '../../migrations/index.js';

/** Every test database name starts with this; anything else is refused. */
export const TEST_DB_PREFIX = 'gitlab_users_test_';
export const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function assertTestDatabase(name: string): void {
  if (!name.startsWith(TEST_DB_PREFIX) || !name.includes('test')) {
    throw new Error(`Refusing to use database "${name}": test databases must be named ${TEST_DB_PREFIX}*`);
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  assertTestDatabase(name);
  await withAdminClient(async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  });
}

/** A fresh database for one test file, copied from the migrated template. */
export async function createTestDatabase(label: string): Promise<{ name: string; url: string }> {
  const template = templateName();
  const name = `${TEST_DB_PREFIX}${label.replace(/\W+/g, '_').toLowerCase()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`.slice(0, 63);
  assertTestDatabase(name);
  await withAdminClient(async (client) => {
    // The first test file to get here migrates the template; the lock makes the others wait.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (!exists.rowCount) {
        await client.query(`CREATE DATABASE "${template}"`);
        await dropSupersededTemplates(client, template);
      }
      await migrateTemplateOnce(template);
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
  return { name, url: databaseUrl(name) };
}

async function migrateTemplateOnce(template: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl(template), MIGRATIONS, 2));
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
    await dataSource.destroy();
  }
}

/** One template per set of migrations: a new migration, or an edit to one (its class's source), makes a new template. */
function templateName(): string {
  const names = MIGRATIONS.map((migration) => `${migration.name}:${migration.toString()}`).join(',');
  let hash = 0;
  for (const char of names) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${TEST_DB_PREFIX}template_${hash.toString(36)}`;
}

/** Templates of older migration sets are never used again; drop those nobody is connected to. */
async function dropSupersededTemplates(client: pg.Client, current: string): Promise<void> {
  const old = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database d WHERE datname LIKE $1 AND datname <> $2
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
    [`${TEST_DB_PREFIX}template_%`, current],
  );
  for (const { datname } of old.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
}
