import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseUnavailableError } from '@app/kernel';
import { isConnectionLoss } from './pg-errors.js';
import { inlineParams, type Statement } from './statement-batch.js';

export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** One dedicated connection (a `pg.Client` held for a session: the relay, a CLI) as `Sql`. */
export function clientSql(client: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Sql {
  return { query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[] };
}

/** A lost connection becomes a 503 the filter can answer; any other error passes as it is. */
function unavailableIfLost(error: unknown): unknown {
  return isConnectionLoss(error) && !(error instanceof DatabaseUnavailableError) ? new DatabaseUnavailableError(error) : error;
}

/**
 * A lost connection usually takes its idle pool neighbours with it (a restart, or an operator
 * terminating every session): the pool learns of each death asynchronously, so a retry may
 * first draw another dead one. Short pauses let it drop them before the next attempt.
 */
const LOST_CONNECTION_RETRY_PAUSES_MS = [20, 100];

/**
 * Gives a connection an `error` listener for its whole life. A pool listens only while its
 * connection is idle, and a borrower (or the owner of a plain client) can attach its own only once
 * its connect promise settles: when the server's "ready" and its goodbye (an administrator
 * terminating the session) arrive in one packet, the goodbye is emitted in between, with nobody
 * listening, and that crashes the process. What the error means is still reported where it
 * matters: to the query that meets the dead connection, and to the pool, which drops it.
 */
export function keepErrorsHandled(client: pg.ClientBase): void {
  client.on('error', () => undefined);
}

/**
 * Thin access to the pool TypeORM manages. Hot paths run plain parameterised SQL on it
 * (TypeORM's per-query runner costs show up at thousands of requests a second);
 * TypeORM keeps the connection settings and the migrations.
 */
@Injectable()
export class Database implements Sql {
  /** Statement names by SQL text, for `prepared`. */
  private readonly statementNames = new Map<string, string>();

  constructor(readonly dataSource: DataSource) {
    this.pool.on('connect', keepErrorsHandled);
  }

  get pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      const result = await this.pool.query(sql, params);
      return result.rows as T[];
    } catch (error) {
      throw unavailableIfLost(error);
    }
  }

  /**
   * Runs a statement the server plans once per connection and then reuses (a named prepared
   * statement; node-postgres prepares it on first use on each connection). For the hot reads whose
   * text is fixed and whose plan does not depend on the values: planning a join of five tables
   * costs more than running it by primary key. Not for search terms, whose best plan depends on
   * the pattern. Behind a pooler in transaction mode (PgBouncer before 1.21), use plain `query`.
   */
  async prepared<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    let name = this.statementNames.get(sql);
    if (!name) {
      name = `q_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.statementNames.set(sql, name);
    }
    try {
      const result = await this.pool.query({ name, text: sql, values: params });
      return result.rows as T[];
    } catch (error) {
      throw unavailableIfLost(error);
    }
  }

  /**
   * Runs the statements as one implicit transaction in a single round trip (the simple query
   * protocol, parameters inlined as literals): all of them commit or, at the first error, none
   * does. Returns each statement's rows. A lost connection is a `DatabaseUnavailableError` whose
   * outcome is unknown: the caller must find out whether it committed before trying again.
   */
  async batch(statements: readonly Statement[]): Promise<Record<string, unknown>[][]> {
    const text = statements.map((statement) => inlineParams(statement)).join(';\n');
    try {
      const result = (await this.pool.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? result : [result]).map((each) => each.rows as Record<string, unknown>[]);
    } catch (error) {
      throw unavailableIfLost(error);
    }
  }

  /**
   * Lends one pooled connection to `work`. A connection the server terminates while lent emits
   * `error`; noted here, it is destroyed on release instead of going back to the pool, and so
   * is one that `work` discards (a statement left running that nobody will read to its end).
   */
  async withClient<T>(work: (client: pg.PoolClient, discard: (reason: Error) => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailableIfLost(error);
    }
    let broken: Error | undefined;
    const onError = (error: Error) => (broken ??= error);
    client.on('error', onError);
    try {
      return await work(client, (reason) => (broken ??= reason));
    } catch (error) {
      if (isConnectionLoss(error)) broken ??= error as Error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * Runs `work` in one transaction on one connection; rolls back on any error. When the
   * connection is lost before COMMIT is sent, nothing was committed, so the whole
   * transaction runs again on a fresh connection (a few times); a loss during COMMIT leaves
   * the outcome unknown and is reported (503) instead of retried.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      let committing = false;
      try {
        return await this.withClient(async (client) => {
          const tx: Sql = { query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] };
          try {
            await client.query('BEGIN');
            const result = await work(tx);
            committing = true;
            await client.query('COMMIT');
            return result;
          } catch (error) {
            if (!committing) await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        });
      } catch (error) {
        const pause = LOST_CONNECTION_RETRY_PAUSES_MS[attempt - 1];
        if (pause !== undefined && !committing && isConnectionLoss(error)) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        throw unavailableIfLost(error);
      }
    }
  }
}
