import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';

export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Thin access to the pool TypeORM manages. Hot paths run plain parameterised SQL on it
 * (TypeORM's per-query runner costs show up at thousands of requests a second);
 * TypeORM keeps the connection settings and the migrations.
 */
@Injectable()
export class Database implements Sql {
  constructor(readonly dataSource: DataSource) {}

  get pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as T[];
  }

  /** Runs `work` in one transaction on one connection; rolls back on any error. */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: Sql = { query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
