import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { httpRequest, poll, queryDatabase, startService, type RunningService, type ServiceProcess } from '../../support/process-harness.js';
import { PrivateRedis } from '../../support/private-redis.js';
import { AUDITED_EVENTS_SQL } from './write-load.js';
import { declaredQueues } from '../../../libs/shared/src/queues/jobs.js';

const ROOT = 'glpat-fault-redis-root-0123456789';
const RECONCILE_INTERVAL_MS = 2_000;

/** Audited events that still have no audit row. */
async function missingAuditRows(databaseName: string): Promise<number> {
  const [row] = await queryDatabase<{ missing: string }>(databaseName, AUDITED_EVENTS_SQL);
  return Number(row.missing);
}

/** What the service printed since `mark` (stdout and stderr are kept apart, so a mark is one length of each). */
function outputSince(service: ServiceProcess, mark: { out: number; err: number }): string {
  return `${service.stdout.slice(mark.out)}\n${service.stderr.slice(mark.err)}`;
}
const markOf = (service: ServiceProcess) => ({ out: service.stdout.length, err: service.stderr.length });

/** Lines of the service's output that are not JSON log lines (stack traces, ioredis's own prints). */
function unstructuredLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{') && !/^(Worker started|API listening|Created )/.test(line));
}

describe('fault: Redis is flushed, stopped and replaced under a running service', () => {
  let redis: PrivateRedis;
  let service: RunningService;
  let port: number;
  let launcher: ServiceProcess;
  let databaseName: string;
  const root = { 'PRIVATE-TOKEN': ROOT };

  const createUsers = async (label: string, count: number) => {
    for (let i = 0; i < count; i += 1) {
      const username = `${label}${i}`;
      const res = await httpRequest(port, 'POST', '/api/v4/users', {
        headers: root,
        body: { username, email: `${username}@example.org`, name: `User ${username}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true },
      });
      expect(res.status).toBe(201);
    }
  };
  const auditQueue = () => new Queue('audit', { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 }, prefix: service.queuePrefix });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    service = await startService('redislost', {
      rootToken: ROOT,
      logLevel: 'info',
      extra: { REDIS_URL: redis.url, AUDIT_RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS), AUDIT_RECONCILE_GRACE_SECONDS: '1' },
    });
    ({ port, child: launcher, databaseName } = service);
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await redis?.stop();
  });

  it('a FLUSHALL with a backlog of audit jobs loses no audit row: the reconcile schedule comes back by itself', async () => {
    await poll(async () => ((await missingAuditRows(databaseName)) === 0 ? true : undefined), 20_000, () => 'the first boot to be audited');
    // Hold the audit jobs in Redis: the relay enqueues them, no worker takes them.
    const queue = auditQueue();
    try {
      await queue.pause();
      await createUsers('backlog', 15);
      const [last] = await queryDatabase<{ position: string }>(databaseName, 'SELECT max(global_position)::text AS position FROM es_events');
      await poll(
        async () => {
          const [relay] = await queryDatabase<{ position: string }>(databaseName, "SELECT last_global_position::text AS position FROM es_subscriptions WHERE subscription_id = 'relay'");
          return relay && BigInt(relay.position) >= BigInt(last.position) ? true : undefined;
        },
        15_000,
        () => 'the relay to enqueue the backlog',
      );
      expect(await missingAuditRows(databaseName)).toBeGreaterThanOrEqual(15);
      expect(await queue.getJobScheduler('audit.reconcile')).toBeTruthy();
    } finally {
      await queue.close();
    }

    await redis.command('FLUSHALL');
    // Every row appears, well within a few reconcile periods, without a restart.
    await poll(async () => ((await missingAuditRows(databaseName)) === 0 ? true : undefined), 10 * RECONCILE_INTERVAL_MS, () => `the lost audit rows:\n${launcher.describe()}`);
    expect(launcher.running).toBe(true);
    const after = auditQueue();
    try {
      expect(await after.getJobScheduler('audit.reconcile')).toMatchObject({ name: 'audit.reconcile', every: RECONCILE_INTERVAL_MS });
    } finally {
      await after.close();
    }
  }, 60_000);

  it('Redis stopped: the API keeps answering reads and writes, readiness says why, and the log gets one warning per connection, not stack traces', async () => {
    const before = markOf(launcher);
    await redis.stop();
    expect((await httpRequest(port, 'GET', '/api/v4/user', { headers: root })).status).toBe(200);
    await createUsers('outage', 3);
    const updated = await httpRequest(port, 'PUT', '/api/v4/users/1', { headers: root, body: { bio: 'written while Redis was down' } });
    expect(updated.status).toBe(200);
    const readiness = await httpRequest(port, 'GET', '/-/readiness');
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({ status: 'failed', postgres: 'ok', redis: 'failed' });
    // Metrics answer at once and show the events waiting in PostgreSQL (the relay cannot enqueue them).
    const metrics = await httpRequest(port, 'GET', '/-/metrics', { timeoutMs: 5_000 });
    expect(metrics.status).toBe(200);
    expect(Number(/^gitlab_users_relay_lag_events (\d+)$/m.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(4);
    // The queue depth cannot be read while Redis is away: that collector counts a failure, the others still report.
    expect(Number(/^gitlab_users_metrics_scrape_errors_total\{collector="queues"\} (\d+)$/m.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(1);
    // Let ioredis fail to reconnect many times over.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(launcher.running).toBe(true);

    const during = outputSince(launcher, before);
    expect(unstructuredLines(during)).toEqual([]);
    expect(during).not.toContain('Unhandled error event');
    const warnings = during
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; pid: number; msg: string; source?: string; context?: string })
      .filter((entry) => entry.context === 'Redis');
    // One per connection of each process (API and worker), whatever the number of failed reconnects.
    const perConnection = warnings.map((entry) => `${entry.pid} ${entry.source}`);
    expect(new Set(perConnection).size).toBe(perConnection.length);
    expect(warnings.map((entry) => entry.source)).toEqual(expect.arrayContaining(['audit worker', 'queues', 'rate limits and health checks']));
    // Each process has a queue and a rate-limit connection; the worker adds one per declared queue.
    expect(warnings.length).toBeLessThanOrEqual(4 + declaredQueues().length);
    expect(warnings.every((entry) => entry.level === 40 && /^Redis is unreachable from .+; .+\. Retrying in the background$/.test(entry.msg))).toBe(true);
  }, 60_000);

  it('a new, empty Redis: the service reconnects, audits what was written meanwhile and schedules reconciliation again, without a restart', async () => {
    const before = markOf(launcher);
    await redis.start();
    await poll(async () => ((await missingAuditRows(databaseName)) === 0 ? true : undefined), 30_000, () => `the outage's audit rows:\n${launcher.describe()}`);
    // Exactly one row for each change made during the outage: none lost, none written twice by the relay and reconciliation both.
    const rows = await queryDatabase<{ n: string }>(
      databaseName,
      `SELECT count(a.id)::text AS n FROM es_events e LEFT JOIN activity.audit_events a ON a.source_event_id = e.event_id
        WHERE (e.event_type = 'identity.user_created' AND e.data->>'username' LIKE 'outage%')
           OR (e.event_type = 'identity.user_profile_updated' AND e.data::text LIKE '%written while Redis was down%')
        GROUP BY e.event_id`,
    );
    expect(rows.map((row) => Number(row.n))).toEqual([1, 1, 1, 1]);
    const queue = auditQueue();
    try {
      await poll(async () => ((await queue.getJobScheduler('audit.reconcile')) ? true : undefined), 10_000, () => 'the reconcile schedule in the new Redis');
    } finally {
      await queue.close();
    }
    expect((await httpRequest(port, 'GET', '/-/readiness')).status).toBe(200);
    await launcher.waitForOutput(/"msg":"Redis answers audit worker again"/);
    expect(unstructuredLines(outputSince(launcher, before))).toEqual([]);
    expect(launcher.running).toBe(true);
  }, 60_000);
});
