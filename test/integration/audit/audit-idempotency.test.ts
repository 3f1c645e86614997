import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { createWorkerApp } from '../../../apps/worker/src/create-worker-app.js';
import { AuditWorker } from '../../../libs/activity/src/index.js';
import { EventRelay, RELAY_SUBSCRIPTION_ID, type RelayedEventJob } from '../../../libs/eventstore/src/index.js';
import { eventJobId, JobName, QueueName, QueueRegistry } from '../../../libs/shared/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type TestContext } from '../../support/test-app.js';

interface AuditRow {
  author_id: string;
  entity_id: string;
  event_name: string;
  source_event_id: string;
}

interface LoggedEvent {
  event_id: string;
  event_type: string;
  stream_id: string;
  transaction_id: string;
  global_position: string;
}

/**
 * The audit queue builds `audit_events` from stored events through the relay and BullMQ.
 * A job may run any number of times, and jobs may sit in Redis across a worker crash:
 * either way every event leaves its audit rows exactly once.
 */
describe('audit worker: idempotent and crash-safe', () => {
  let ctx: TestContext;
  let auditQueue: Queue<RelayedEventJob>;

  beforeAll(async () => {
    // The worker is not started: each test decides when it runs.
    ctx = await startTestApp('audit_idempotency');
    auditQueue = ctx.api.get(QueueRegistry).get(QueueName.Audit) as Queue<RelayedEventJob>;
  });
  afterAll(async () => {
    await ctx?.stopWorker();
    // Leave nothing of this file's queue in the shared Redis.
    await auditQueue?.obliterate({ force: true }).catch(() => undefined);
    await ctx?.close();
  });

  async function createUser(): Promise<{ id: number; username: string }> {
    const username = unique('audited');
    const response = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username, email: `${username}@example.org`, name: `Name ${username}`, password: 'Vq8!zR2#long-enough' });
    expect(response.status).toBe(201);
    return { id: response.body.id, username };
  }

  function auditRowsFor(entityId: number): Promise<AuditRow[]> {
    return ctx.db.query<AuditRow>(
      'SELECT author_id::text, entity_id::text, event_name, source_event_id::text FROM activity.audit_events WHERE entity_id = $1 ORDER BY id',
      [entityId],
    );
  }

  function auditRowsFrom(eventIds: string[]): Promise<AuditRow[]> {
    return ctx.db.query<AuditRow>(
      'SELECT author_id::text, entity_id::text, event_name, source_event_id::text FROM activity.audit_events WHERE source_event_id = ANY($1::uuid[]) ORDER BY id',
      [eventIds],
    );
  }

  async function eventsOfUser(userId: number): Promise<LoggedEvent[]> {
    return ctx.db.query<LoggedEvent>(
      `SELECT event_id::text, event_type, stream_id, transaction_id::text, global_position::text FROM es_events
        WHERE stream_id = ANY($1) ORDER BY global_position`,
      [[`identity.user-${userId}`, `credentials.user-${userId}`]],
    );
  }

  function jobData(event: LoggedEvent): RelayedEventJob {
    return {
      eventId: event.event_id,
      globalPosition: Number(event.global_position),
      transactionId: event.transaction_id,
      streamId: event.stream_id,
      type: event.event_type,
    };
  }

  async function completed(jobId: string): Promise<Job<RelayedEventJob>> {
    return eventually(
      async () => {
        // State first, then the job: a job read before it finished has no return value yet.
        if ((await auditQueue.getJobState(jobId)) !== 'completed') return undefined;
        return auditQueue.getJob(jobId);
      },
      15_000,
      `audit job ${jobId} to complete`,
    );
  }

  async function relayCheckpoint(): Promise<{ transactionId: string; globalPosition: number }> {
    const rows = await ctx.db.query<{ tx: string; pos: string }>(
      'SELECT last_transaction_id::text AS tx, last_global_position AS pos FROM es_subscriptions WHERE subscription_id = $1',
      [RELAY_SUBSCRIPTION_ID],
    );
    return rows.length ? { transactionId: rows[0].tx, globalPosition: Number(rows[0].pos) } : { transactionId: '0', globalPosition: 0 };
  }

  async function logEnd(): Promise<{ transactionId: string; globalPosition: number }> {
    const rows = await ctx.db.query<{ tx: string; pos: string }>(
      'SELECT transaction_id::text AS tx, global_position AS pos FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
    );
    return { transactionId: rows[0].tx, globalPosition: Number(rows[0].pos) };
  }

  /**
   * The running worker's relay has stored a checkpoint at the end of the log and no
   * event job is left to run (the job schedulers' own delayed jobs aside: reconciliation, chain verification).
   */
  async function settled(): Promise<void> {
    const end = await logEnd();
    await eventually(
      async () => {
        const checkpoint = await relayCheckpoint();
        // At or past the end read above: the worker may append more meanwhile (a token's minute of use).
        const behind = BigInt(checkpoint.transactionId) < BigInt(end.transactionId) || (checkpoint.transactionId === end.transactionId && checkpoint.globalPosition < end.globalPosition);
        if (behind) return undefined;
        const pending = await auditQueue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
        return pending.every((job) => job.repeatJobKey !== undefined || job.name === JobName.AuditReconcile) ? true : undefined;
      },
      15_000,
      'the relay to reach the end of the log and the audit queue to drain',
    );
  }

  it('records nothing while the worker is down, then exactly one user_created row by root once it runs', async () => {
    const user = await createUser();
    const [created] = (await eventsOfUser(user.id)).filter((event) => event.event_type === 'identity.user_created');
    expect(created).toBeDefined();

    expect(await auditRowsFor(user.id)).toEqual([]);
    expect(await auditQueue.getJob(eventJobId(QueueName.Audit, created.event_id))).toBeUndefined();

    await ctx.startWorker();
    await eventually(async () => ((await auditRowsFor(user.id)).length ? true : undefined), 15_000, 'the user_created audit row');
    await settled();

    expect(await auditRowsFor(user.id)).toEqual([
      { author_id: '1', entity_id: String(user.id), event_name: 'user_created', source_event_id: created.event_id },
    ]);
    const job = await completed(eventJobId(QueueName.Audit, created.event_id));
    expect(job.returnvalue).toBe(1);
  });

  it('inserts nothing when the same event is delivered again (direct calls, a re-added job, a repeated job id)', async () => {
    await ctx.stopWorker();
    const user = await createUser();
    const [created] = await eventsOfUser(user.id);
    expect(created.event_type).toBe('identity.user_created');
    const worker = ctx.api.get(AuditWorker);
    const asJob = (id: string) => ({ id, data: jobData(created) }) as Job<RelayedEventJob>;

    // The same job data processed twice, concurrently and then again.
    const inserted = await Promise.all([worker.process(asJob('direct-1')), worker.process(asJob('direct-2'))]);
    expect(inserted.sort()).toEqual([0, 1]);
    expect(await worker.process(asJob('direct-3'))).toBe(0);
    expect(await auditRowsFor(user.id)).toHaveLength(1);

    // The relay's own delivery of it, through Redis, is a third delivery.
    await ctx.startWorker();
    const relayed = await completed(eventJobId(QueueName.Audit, created.event_id));
    expect(relayed.returnvalue).toBe(0);

    // An operator re-adds the completed job under a new id: it runs, and inserts nothing.
    const again = await auditQueue.add(JobName.AuditRecordEvent, jobData(created), { jobId: `redelivery.${created.event_id}` });
    const redelivered = await completed(again.id!);
    expect(redelivered.returnvalue).toBe(0);

    // Re-adding under the deterministic id is refused by BullMQ: the completed job stays as it was.
    const duplicate = await auditQueue.add(JobName.AuditRecordEvent, jobData(created), { jobId: eventJobId(QueueName.Audit, created.event_id) });
    expect(duplicate.id).toBe(relayed.id);
    await settled();
    const unchanged = await auditQueue.getJob(relayed.id!);
    expect(unchanged?.processedOn).toBe(relayed.processedOn);
    expect(unchanged?.attemptsMade).toBe(relayed.attemptsMade);

    expect(await auditRowsFor(user.id)).toEqual([
      { author_id: '1', entity_id: String(user.id), event_name: 'user_created', source_event_id: created.event_id },
    ]);
  });

  it('survives a crash between enqueue and processing, and a relay that lost its checkpoint', async () => {
    await settled();
    await ctx.stopWorker();
    const checkpointBefore = await relayCheckpoint();

    // Changes while no worker runs: a user with a token, an update that appends one event
    // per kind of change (each audited under its own name), and a deletion.
    const alice = await createUserWithToken(ctx);
    const bob = await createUserWithToken(ctx);
    const update = await ctx.http
      .put(`/api/v4/users/${alice.id}`)
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ name: 'Alice Renamed', email: `${unique('alice')}@example.org`, skip_reconfirmation: true, password: 'An0ther!long-password', bio: 'hello' });
    expect(update.status).toBe(200);
    const removal = await ctx.http.delete(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ hard_delete: true });
    expect(removal.status).toBe(204);

    const events = [...(await eventsOfUser(alice.id)), ...(await eventsOfUser(bob.id))];
    expect(events.map((event) => event.event_type).sort()).toEqual(
      [
        'credentials.personal_access_token_created',
        'credentials.personal_access_token_created',
        'identity.user_created',
        'identity.user_created',
        'identity.user_deleted',
        'identity.user_email_changed',
        'identity.user_name_changed',
        'identity.user_password_changed',
        'identity.user_profile_updated',
      ].sort(),
    );
    const eventIds = events.map((event) => event.event_id);
    const jobIds = eventIds.map((id) => eventJobId(QueueName.Audit, id));

    // Only the relay runs: the jobs reach Redis and stay there.
    const relayOnly: INestApplicationContext = await createWorkerApp(ctx.config, { logger: false });
    try {
      relayOnly.get(EventRelay).start();
      await eventually(
        async () => {
          const states = await Promise.all(jobIds.map(async (id) => (await auditQueue.getJob(id))?.getState()));
          return states.every((state) => state === 'waiting') ? true : undefined;
        },
        15_000,
        'the relay to enqueue every audit job',
      );
    } finally {
      // The crash: the process goes away with its jobs still waiting.
      await relayOnly.close();
    }
    expect(await auditRowsFrom(eventIds)).toEqual([]);
    const waiting = await auditQueue.getJobs(['waiting']);
    expect(waiting.filter((job) => job.name === JobName.AuditRecordEvent).map((job) => job.id).sort()).toEqual([...jobIds].sort());

    // Worse: the relay's checkpoint is lost too, so the restarted relay delivers all of it again.
    await ctx.db.query(
      'UPDATE es_subscriptions SET last_transaction_id = $2::xid8, last_global_position = $3 WHERE subscription_id = $1',
      [RELAY_SUBSCRIPTION_ID, checkpointBefore.transactionId, checkpointBefore.globalPosition],
    );

    await ctx.startWorker();
    await settled();
    for (const jobId of jobIds) await completed(jobId);

    const rows = await auditRowsFrom(eventIds);
    const keys = rows.map((row) => `${row.source_event_id}/${row.event_name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const namesBySource = (eventId: string) => rows.filter((row) => row.source_event_id === eventId).map((row) => row.event_name).sort();
    const byType = (type: string, userId: number) =>
      events.find((event) => event.event_type === type && event.stream_id.endsWith(`-${userId}`))!.event_id;

    expect(namesBySource(byType('identity.user_created', alice.id))).toEqual(['user_created']);
    expect(namesBySource(byType('identity.user_created', bob.id))).toEqual(['user_created']);
    expect(namesBySource(byType('credentials.personal_access_token_created', alice.id))).toEqual(['personal_access_token_created']);
    expect(namesBySource(byType('credentials.personal_access_token_created', bob.id))).toEqual(['personal_access_token_created']);
    expect(namesBySource(byType('identity.user_deleted', bob.id))).toEqual(['user_destroyed']);
    expect(namesBySource(byType('identity.user_email_changed', alice.id))).toEqual(['user_email_address_updated']);
    expect(namesBySource(byType('identity.user_name_changed', alice.id))).toEqual(['user_name_updated']);
    expect(namesBySource(byType('identity.user_password_changed', alice.id))).toEqual(['user_password_updated']);
    expect(namesBySource(byType('identity.user_profile_updated', alice.id))).toEqual(['user_settings_updated']);
    expect(rows).toHaveLength(9);
    expect(rows.every((row) => row.author_id === '1')).toBe(true);

    // Every job ran, the repeats inserted nothing: the rows inserted by all jobs add up to the rows there are.
    const returned = await Promise.all(jobIds.map(async (id) => (await auditQueue.getJob(id))!.returnvalue as number));
    expect(returned.reduce((sum, n) => sum + n, 0)).toBe(rows.length);
    expect(await auditQueue.getFailedCount()).toBe(0);
    // Nothing is left for reconciliation to repair.
    expect(await ctx.api.get(AuditWorker).reconcile(0)).toBe(0);
  });
});
