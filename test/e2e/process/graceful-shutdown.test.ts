import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  cleanUp,
  freePort,
  heldPost,
  httpRequest,
  killStartedProcesses,
  poll,
  processTestDatabaseName,
  queryDatabase,
  REDIS_URL,
  requireBuiltService,
  serviceEnv,
  ServiceProcess,
  uniqueQueuePrefix,
  waitUntilRefused,
} from '../../support/process-harness.js';

const AUDITED_EVENT_TYPES = [
  'identity.user_created',
  'identity.user_profile_updated',
  'identity.user_deleted',
  'credentials.personal_access_token_created',
];

describe('process: graceful shutdown of the built API and worker on SIGTERM', () => {
  const databaseName = processTestDatabaseName('shutdown');
  const queuePrefix = uniqueQueuePrefix('shutdown');
  const rootToken = `glpat-proc-${randomBytes(15).toString('base64url')}`;
  let port: number;

  const env = () => serviceEnv({ databaseName, queuePrefix, port, rootToken, logLevel: 'warn' });
  const startApi = async (label: string) => {
    const api = new ServiceProcess(label, 'api', env());
    await api.waitUntilReady(port);
    return api;
  };
  const countAuditRows = async () => Number((await queryDatabase<{ n: string }>(databaseName, 'SELECT count(*)::text AS n FROM activity.audit_events'))[0].n);

  beforeAll(async () => {
    requireBuiltService();
    port = await freePort();
  });

  afterAll(async () => {
    await killStartedProcesses();
    await cleanUp(databaseName, queuePrefix);
  });

  it('API: requests in progress when SIGTERM arrives all get a complete 2xx response, then the process exits with code 0', async () => {
    const api = await startApi('api');
    // Half the clients keep their connections alive after the response, as pooling clients do.
    const keepAlive = new http.Agent({ keepAlive: true });
    try {
      const usernames = Array.from({ length: 8 }, (_, i) => `procdrain${process.pid}n${i}`);
      // Each request is in progress on the server (headers parsed, 100 Continue sent) before SIGTERM…
      const held = usernames.map((username, i) =>
        heldPost(
          port,
          '/api/v4/users',
          { 'PRIVATE-TOKEN': rootToken },
          { username, email: `${username}@example.org`, name: username, password: `Pw!9-${randomBytes(12).toString('base64url')}`, skip_confirmation: true },
          i % 2 === 0 ? keepAlive : false,
        ),
      );
      await Promise.all(held.map((request) => request.accepted));

      const exited = api.stop('SIGTERM');
      // …and its body is only sent once the server stopped accepting connections: it is shutting down.
      await waitUntilRefused(port);
      for (const request of held) request.sendBody();

      const responses = await Promise.all(held.map((request) => request.response));
      expect(responses.map((response) => `${response.status} ${response.text.slice(0, 200)}`)).toEqual(usernames.map(() => expect.stringMatching(/^201 /)));
      expect(responses.map((response) => response.body.username)).toEqual(usernames);

      // Idle keep-alive connections do not hold the process forever.
      expect(await exited).toEqual({ code: 0, signal: null });
      const stored = await queryDatabase<{ username: string }>(databaseName, 'SELECT username FROM identity.users WHERE username = ANY($1) ORDER BY username', [usernames]);
      expect(stored.map((row) => row.username)).toEqual([...usernames].sort());
    } finally {
      keepAlive.destroy();
    }
  }, 90_000);

  it('worker: SIGTERM with audit jobs pending exits with code 0; after a restart every audit row exists exactly once', async () => {
    // Plenty of audited events while no worker runs: 100 tokens (plus the users and root so far).
    const api = await startApi('api (second run)');
    for (let batch = 0; batch < 10; batch += 1) {
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          httpRequest(port, 'POST', '/api/v4/users/1/personal_access_tokens', {
            headers: { 'PRIVATE-TOKEN': rootToken },
            body: { name: `proc-${batch}-${i}`, scopes: ['read_api'] },
          }),
        ),
      );
      expect(created.map((response) => response.status)).toEqual(created.map(() => 201));
    }
    expect(await api.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const expected = Number(
      (await queryDatabase<{ n: string }>(databaseName, 'SELECT count(*)::text AS n FROM es_events WHERE event_type = ANY($1)', [AUDITED_EVENT_TYPES]))[0].n,
    );
    expect(expected).toBeGreaterThanOrEqual(100 + 8 + 2);
    expect(await countAuditRows()).toBe(0);

    // Stop the first worker as soon as it has started writing audit rows.
    const first = new ServiceProcess('worker (first run)', 'worker', env());
    await poll(async () => ((await countAuditRows()) > 0 ? true : undefined), 30_000, () => `the first audit rows:\n${first.describe()}`);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const afterFirst = await countAuditRows();

    // A graceful stop leaves no job marked active (it would otherwise wait for the stall check).
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    try {
      expect(await redis.llen(`${queuePrefix}:audit:active`)).toBe(0);
    } finally {
      redis.disconnect();
    }

    const second = new ServiceProcess('worker (second run)', 'worker', env());
    // Stopped only once started: the rows may all be there already, written by the first run.
    await second.waitForOutput(/Worker started/);
    await poll(async () => ((await countAuditRows()) >= expected ? true : undefined), 45_000, () => `${expected} audit rows (first run wrote ${afterFirst}):\n${second.describe()}`);
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    // Exactly once: one row per audited event, none twice, none missing.
    expect(await countAuditRows()).toBe(expected);
    const duplicated = await queryDatabase(databaseName, 'SELECT source_event_id, event_name, count(*) FROM activity.audit_events GROUP BY 1, 2 HAVING count(*) > 1');
    expect(duplicated).toEqual([]);
    const missing = await queryDatabase(
      databaseName,
      'SELECT e.event_id, e.event_type FROM es_events e WHERE e.event_type = ANY($1) AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)',
      [AUDITED_EVENT_TYPES],
    );
    expect(missing).toEqual([]);
    const redisAfter = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    try {
      expect(await redisAfter.zcard(`${queuePrefix}:audit:failed`)).toBe(0);
    } finally {
      redisAfter.disconnect();
    }
  }, 120_000);

  // A stop that lands while a process is still booting (before Nest listens for signals) is still a clean exit.
  it.each([
    ['worker', 'worker'],
    ['API', 'api'],
  ] as const)('%s: SIGTERM while still starting exits with code 0, not by the signal', async (_name, entry) => {
    const booting = new ServiceProcess(`${entry} (stopped while starting)`, entry, env());
    // Its first line: it listens for signals from here, and is still loading Nest (a second or more).
    await booting.waitForOutput(/starting \(pid \d+\)/);
    expect(await booting.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 60_000);
});
