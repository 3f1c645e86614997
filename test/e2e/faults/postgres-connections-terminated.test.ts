import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpRequest, poll, queryDatabase, startService, type HttpResponse, type RunningService, type ServiceProcess } from '../../support/process-harness.js';
import { withAdminClient } from '../../support/test-database.js';
import { AUDITED_EVENTS_SQL, loadTargets, writeLoad, type WriteOutcome } from './write-load.js';

const ROOT = 'glpat-fault-pg-root-0123456789';
/** The event a write of the load stored: the bio a PUT set, or the username a POST created. */
const STORED_WRITE_SQL = `SELECT 1 FROM es_events WHERE stream_id = $1
  AND (data->'changes'->'bio'->>'to' = $2 OR (event_type = 'identity.user_created' AND data->>'username' = $2))`;

/** Terminates every backend of `databaseName` (the API's pool, its listeners, the worker's relay and lock). */
async function terminateBackends(databaseName: string): Promise<number> {
  return withAdminClient(async (client) => {
    const result = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [databaseName]);
    return result.rowCount ?? 0;
  });
}

describe('fault: PostgreSQL terminates every connection of the service while writes flow', () => {
  let service: RunningService;
  let port: number;
  let launcher: ServiceProcess;
  let databaseName: string;
  const root = { 'PRIVATE-TOKEN': ROOT };

  beforeAll(async () => {
    // The auth cache stays on (its default), so its LISTEN connection is among those terminated.
    service = await startService('pgterm', { rootToken: ROOT, logLevel: 'warn' });
    ({ port, child: launcher, databaseName } = service);
  }, 90_000);

  afterAll(async () => service?.stop());

  let outcomes: WriteOutcome[] = [];
  let terminated = 0;

  it('keeps both processes up: requests in flight get a 2xx or a clean 503, never a 500 or a dropped connection', async () => {
    const targets = await loadTargets(port, ROOT, 30);
    const load = writeLoad(port, ROOT, targets, { durationMs: 6_000, perSecond: 40 });
    // Three times, 1.5 s apart, while the load runs.
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      terminated += await terminateBackends(databaseName);
    }
    outcomes = await load;
    expect(terminated).toBeGreaterThanOrEqual(6);
    // On failure, the launcher's output says which process died and why.
    expect({ running: launcher.running, output: launcher.running ? '' : launcher.describe() }).toEqual({ running: true, output: '' });
    expect(launcher.output).not.toMatch(/exited \(|Unhandled 'error' event|57P01.*\n\s+at /);

    const statuses = new Map<string, number>();
    for (const outcome of outcomes) statuses.set(String(outcome.status), (statuses.get(String(outcome.status)) ?? 0) + 1);
    const unexpected = outcomes.filter((outcome) => !(outcome.status >= 200 && outcome.status < 300) && outcome.status !== 503);
    expect({ unexpected: unexpected.map((o) => `${o.method} ${o.status} ${o.text}`) }).toEqual({ unexpected: [] });
    for (const failed of outcomes.filter((outcome) => outcome.status === 503)) {
      expect(failed.contentType).toBe('application/json');
      expect(failed.body).toEqual({ message: '503 Service Unavailable - the database connection was lost; retry the request' });
      expect(failed.retryAfter).toBe('1');
    }
    // Most writes succeed: the dead connections are replaced at once.
    expect(outcomes.filter((outcome) => outcome.status >= 200 && outcome.status < 300).length).toBeGreaterThan(outcomes.length * 0.8);
  }, 60_000);

  it('answers later requests at once, reads and writes alike', async () => {
    const me = await httpRequest(port, 'GET', '/api/v4/user', { headers: root });
    expect(me.status).toBe(200);
    const created = await httpRequest(port, 'POST', '/api/v4/users', {
      headers: root,
      body: { username: 'afterfault', email: 'afterfault@example.org', name: 'After Fault', password: 'Vq8!zR2#long-enough', skip_confirmation: true },
    });
    expect(created.status).toBe(201);
    const ready = await httpRequest(port, 'GET', '/-/readiness');
    expect(ready.status).toBe(200);
  });

  it('loses no acknowledged write: every 2xx answer has its event, and every audited event gets its audit row', async () => {
    const acknowledged = outcomes.filter((outcome) => outcome.status >= 200 && outcome.status < 300);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const outcome of acknowledged) {
      const rows = await queryDatabase(databaseName, STORED_WRITE_SQL, [outcome.streamId, outcome.marker]);
      expect({ write: `${outcome.method} ${outcome.marker}`, stored: rows.length }).toEqual({ write: `${outcome.method} ${outcome.marker}`, stored: 1 });
    }
    // The relay reconnected and took its lock back; the audit worker caught up.
    await poll(
      async () => {
        const [row] = await queryDatabase<{ missing: string }>(databaseName, AUDITED_EVENTS_SQL);
        return row.missing === '0' ? true : undefined;
      },
      30_000,
      () => `every audited event to have its audit row:\n${launcher.describe()}`,
    );
  }, 60_000);

  it('the dedicated connections came back: the auth cache and relay listeners, and the relay holds its lock again', async () => {
    const sessions = await poll(
      async () => {
        const rows = await queryDatabase<{ application_name: string; query: string; holds_lock: boolean }>(
          databaseName,
          `SELECT a.application_name, a.query,
                  EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted) AS holds_lock
             FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name IN ('gitlab-users-auth-cache', 'gitlab-users-relay')`,
        );
        return rows.length === 2 ? rows.sort((a, b) => a.application_name.localeCompare(b.application_name)) : undefined;
      },
      15_000,
      () => 'the listener connections to be back',
    );
    expect(sessions).toEqual([
      { application_name: 'gitlab-users-auth-cache', query: 'LISTEN auth_changed', holds_lock: false },
      { application_name: 'gitlab-users-relay', query: expect.any(String), holds_lock: true },
    ]);
  });

  // With its listener back (previous test), the cache serves and evicts again; the revocation must win either way.
  it('a token revoked by SQL after the faults is refused at once, without a restart', async () => {
    const created = await httpRequest(port, 'POST', '/api/v4/users', {
      headers: root,
      body: { username: 'revokeme', email: 'revokeme@example.org', name: 'Revoke Me', password: 'Vq8!zR2#long-enough', skip_confirmation: true },
    });
    expect(created.status).toBe(201);
    const issued = await httpRequest(port, 'POST', `/api/v4/users/${created.body.id}/personal_access_tokens`, { headers: root, body: { name: 't', scopes: ['api'] } });
    expect(issued.status).toBe(201);
    const asUser = { 'PRIVATE-TOKEN': issued.body.token as string };
    // Cached now (the cache TTL is 30 s): only the NOTIFY listener can evict it that soon.
    expect((await httpRequest(port, 'GET', '/api/v4/user', { headers: asUser })).status).toBe(200);
    await queryDatabase(databaseName, 'UPDATE credentials.personal_access_tokens SET revoked = true WHERE user_id = $1', [created.body.id]);
    const refused: HttpResponse = await poll(
      async () => {
        const res = await httpRequest(port, 'GET', '/api/v4/user', { headers: asUser });
        return res.status === 401 ? res : undefined;
      },
      10_000,
      () => 'the revoked token to be refused',
    );
    expect(refused.body).toEqual({ error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
  });
});
