import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseUnavailableError, isConnectionLoss } from '../../../libs/shared/src/index.js';
import { startTestApp, type TestContext } from '../../support/test-app.js';
import { withAdminClient } from '../../support/test-database.js';

const terminate = (pid: number) => withAdminClient((client) => client.query('SELECT pg_terminate_backend($1)', [pid]));

/** The Database helper when PostgreSQL ends the connection it is using (terminated, restarted). */
describe('Database: connections lost in the middle of work', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('db_connection_loss');
    await ctx.db.query('CREATE TABLE loss_probe (id serial PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(async () => ctx?.close());

  it('a transaction whose connection dies before COMMIT runs again on a fresh connection and commits once', async () => {
    const backends: number[] = [];
    const result = await ctx.db.transaction(async (tx) => {
      const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      backends.push(pid);
      await tx.query('INSERT INTO loss_probe (label) VALUES ($1)', ['retried']);
      if (backends.length === 1) await terminate(pid);
      // On the first attempt this statement meets the dead connection.
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM loss_probe WHERE label = $1', ['retried']))[0].n;
    });
    expect(backends).toHaveLength(2);
    expect(backends[1]).not.toBe(backends[0]);
    expect(result).toBe(1);
    expect(await ctx.db.query("SELECT label FROM loss_probe WHERE label = 'retried'")).toHaveLength(1);
  });

  it('gives up after three attempts with a DatabaseUnavailableError (answered 503), committing nothing', async () => {
    let attempts = 0;
    const failing = ctx.db.transaction(async (tx) => {
      attempts += 1;
      await tx.query('INSERT INTO loss_probe (label) VALUES ($1)', ['never']);
      const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminate(pid);
      await tx.query('SELECT 1');
    });
    await expect(failing).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(attempts).toBe(3);
    expect(await ctx.db.query("SELECT 1 FROM loss_probe WHERE label = 'never'")).toHaveLength(0);
  });

  it('a lent connection terminated while idle does not crash the process, and is not handed out again', async () => {
    let lentPid = 0;
    const outcome = await ctx.db
      .withClient(async (client) => {
        lentPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await terminate(lentPid);
        // No query runs while the server's goodbye arrives: only an `error` listener stands between it and a crash.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.query('SELECT 1');
      })
      .then(
        () => 'resolved',
        (error: unknown) => (isConnectionLoss(error) ? 'connection lost' : String(error)),
      );
    expect(outcome).toBe('connection lost');
    // Every pooled connection answers, and none of them is the dead one.
    const pids = await Promise.all(Array.from({ length: 5 }, () => ctx.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')));
    expect(pids.map(([row]) => row.pid)).not.toContain(lentPid);
  });

  it('a single statement on a lost connection is a DatabaseUnavailableError; a wrong statement stays its own error', async () => {
    // A backend that terminates itself: the statement's own connection dies under it.
    const lost = await ctx.db.query('SELECT pg_terminate_backend(pg_backend_pid())').then(
      () => null,
      (error: unknown) => error,
    );
    expect(lost).toBeInstanceOf(DatabaseUnavailableError);
    const wrong = await ctx.db.query('SELECT * FROM no_such_table').then(
      () => null,
      (error: unknown) => error,
    );
    expect(wrong).not.toBeInstanceOf(DatabaseUnavailableError);
    expect((wrong as { code?: string }).code).toBe('42P01');
  });
});
