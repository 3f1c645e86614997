import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

export function dataSourceOptions(databaseUrl: string, migrations: MigrationClass[] = [], poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [],
    migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'gitlab-users' },
  };
}

const MIGRATION_LOCK_KEY = 7_345_001;

/** Applies pending migrations under an advisory lock, so concurrent boots apply them once. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
