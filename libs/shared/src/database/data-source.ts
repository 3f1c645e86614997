import { Logger } from '@nestjs/common';
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
    poolErrorHandler: logIdleConnectionLost,
  };
}

const poolLogger = new Logger('Database');

/** An idle pooled connection died (terminated, server restart): the pool drops it and opens another on demand. */
function logIdleConnectionLost(error: { code?: string; message?: string }): void {
  poolLogger.warn({ code: error.code, reason: error.message }, 'An idle PostgreSQL connection was lost; the pool replaces it on next use');
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
