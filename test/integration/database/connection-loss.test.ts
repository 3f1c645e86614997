import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { Database, DatabaseUnavailableError, ensureDatabase, isConnectionLoss } from '../../../libs/shared/src/index.js';
import { startTestApp, type TestContext } from '../../support/test-app.js';
import { withAdminClient } from '../../support/test-database.js';

/** The FATAL message PostgreSQL sends a session that `pg_terminate_backend` ends. */
function terminationMessage(): Buffer {
  const fields = Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/**
 * A TCP proxy to PostgreSQL that, for the sessions it is told to, delivers the server's first
 * ReadyForQuery and a termination in one write, then hangs up: the connection is ready and dead
 * within one packet, as when an administrator terminates a session the instant it opens.
 */
async function startTerminatingProxy(): Promise<{ port: number; terminateNext: (count: number) => void; connections: () => number; close: () => Promise<void> }> {
  let toTerminate = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections += 1;
    const upstream = net.connect(5432, '127.0.0.1');
    sockets.add(client).add(upstream);
    const doomed = toTerminate > 0;
    if (doomed) toTerminate -= 1;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!doomed) return void client.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      // Walk whole messages (type byte, int32 length) up to the first ReadyForQuery ('Z').
      for (let at = 0; at + 5 <= pending.length; ) {
        const end = at + 1 + pending.readInt32BE(at + 1);
        if (end > pending.length) break;
        if (pending[at] === 0x5a) {
          client.end(Buffer.concat([pending.subarray(0, end), terminationMessage()]));
          upstream.destroy();
          return;
        }
        at = end;
      }
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    terminateNext: (count) => (toTerminate = count),
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

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

  it('a connection terminated in the packet that made it ready is reported to its borrower or owner (and audit:verify exits 2, could not verify), not left to crash the process', async () => {
    const proxy = await startTerminatingProxy();
    const pools: pg.Pool[] = [];
    /** A pool of its own, so the borrower gets a new connection rather than an idle one. */
    const freshDatabase = () => {
      const pool = new pg.Pool({ host: '127.0.0.1', port: proxy.port, user: 'postgres', database: ctx.databaseName });
      pools.push(pool);
      return new Database({ driver: { master: pool } } as unknown as DataSource);
    };
    try {
      proxy.terminateNext(1);
      // The first connection is dead on arrival: the transaction meets it, then runs again on a fresh one.
      const backends = await freshDatabase().transaction(async (tx) => tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'));
      expect({ backends: backends.length, connections: proxy.connections() }).toEqual({ backends: 1, connections: 2 });

      proxy.terminateNext(1);
      const lent = await freshDatabase()
        .withClient(async (client) => client.query('SELECT 1'))
        .then(
          () => 'resolved',
          (error: unknown) => (isConnectionLoss(error) ? 'connection lost' : String(error)),
        );
      expect(lent).toBe('connection lost');

      // A plain client too (the launcher's database check): its next statement fails, and nothing crashes.
      proxy.terminateNext(1);
      const checked = await ensureDatabase(`postgres://postgres@127.0.0.1:${proxy.port}/${ctx.databaseName}`).then(
        () => 'resolved',
        (error: unknown) => (isConnectionLoss(error) ? 'connection lost' : String(error)),
      );
      expect(checked).toBe('connection lost');

      // `npm run audit:verify` (built): exit 1 means "broken chain", so a crash there would be a false alarm.
      proxy.terminateNext(1);
      const verify = path.resolve('dist/apps/worker/src/audit-verify.js');
      const env = { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/${ctx.databaseName}`, LOG_LEVEL: 'silent' };
      const failed = await promisify(execFile)(process.execPath, [verify], { env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect({ code: failed?.code, couldNotVerify: failed?.stderr.includes('Could not verify the event log') }).toEqual({ code: 2, couldNotVerify: true });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await proxy.close();
    }
  });
});
