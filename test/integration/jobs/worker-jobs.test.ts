import { signIn } from '../../support/admin-sign-in.js';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type Provider } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { QueueWorkers } from '../../../apps/worker/src/queue-workers.js';
import { AuditWorker } from '../../../libs/activity/src/index.js';
import { RELAY_ROUTES, type RelayRoute } from '../../../libs/eventstore/src/index.js';
import {
  APP_CONFIG,
  eventJobId,
  JOB_SCHEDULES,
  JobDeclarationError,
  JobHandler,
  JobName,
  JobSchedules,
  JOBS,
  declaredQueues,
  loadConfig,
  QueueName,
  QueueRegistry,
  type JobSchedule,
} from '../../../libs/shared/src/index.js';
import { eventually, startTestApp, unique, type TestContext } from '../../support/test-app.js';

describe('worker: every job runs through the handler that declared it', () => {
  let ctx: TestContext;
  let worker: INestApplicationContext;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await startTestApp('worker_jobs');
    worker = await ctx.startWorker();
    queue = ctx.api.get(QueueRegistry).get(QueueName.Audit);
  });
  afterAll(async () => {
    await ctx?.stopWorker();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await ctx?.close();
  });

  async function finished(jobId: string, state: 'completed' | 'failed'): Promise<Job> {
    return eventually(
      async () => ((await queue.getJobState(jobId)) === state ? queue.getJob(jobId) : undefined),
      20_000,
      `job ${jobId} to be ${state}`,
    );
  }

  it('found one handler per declared job on the providers, each on the queue JOBS gives it', () => {
    const handlers = worker.get(QueueWorkers).handlers;
    expect([...handlers.queues()].sort()).toEqual(declaredQueues().sort());
    for (const name of declaredQueues()) {
      expect(handlers.jobsOf(name).sort()).toEqual(Object.values(JobName).filter((job) => JOBS[job] === name).sort());
    }
  });

  it("dispatches a relayed event's job and a scheduled job each to its own handler", async () => {
    const audit = worker.get(AuditWorker);
    const record = jest.spyOn(audit, 'process');
    const reconcile = jest.spyOn(audit, 'reconcileJob');
    try {
      const username = unique('dispatched');
      const created = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ username, email: `${username}@example.org`, name: 'Dispatched', password: 'Vq8!zR2#long-enough' });
      expect(created.status).toBe(201);
      const [event] = await ctx.db.query<{ event_id: string }>("SELECT event_id::text FROM es_events WHERE stream_id = $1 AND event_type = 'identity.user_created'", [
        `identity.user-${created.body.id}`,
      ]);

      // The relay enqueues audit.record-event; the registry hands it to AuditWorker.process.
      const recorded = await finished(eventJobId(QueueName.Audit, event.event_id), 'completed');
      expect(recorded.name).toBe(JobName.AuditRecordEvent);
      expect(recorded.returnvalue).toBe(1);
      expect(record.mock.calls.map(([job]) => job.id)).toContain(recorded.id);

      // audit.reconcile goes to reconcileJob, not to process.
      const added = await queue.add(JobName.AuditReconcile, {}, { jobId: `test-reconcile-${unique('r')}` });
      const reconciled = await finished(added.id!, 'completed');
      expect(reconciled.returnvalue).toBe(0);
      // reconcileJob declares no parameter, but is handed the job like every handler (the schedule's own runs count too).
      expect((reconcile.mock.calls as unknown as [Job][]).map(([job]) => job.id)).toContain(added.id);
      expect(record.mock.calls.map(([job]) => job.id)).not.toContain(added.id);
    } finally {
      record.mockRestore();
      reconcile.mockRestore();
    }
  });

  it('fails a job whose name nothing handles at once, keeps it as failed, and goes on working', async () => {
    const stray = await queue.add('audit.unheard-of', { eventId: 'none' }, { jobId: `test-stray-${unique('s')}` });
    const failed = await finished(stray.id!, 'failed');
    // Not retried, although the queue's jobs have 10 attempts.
    expect(failed.opts.attempts).toBe(10);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toBe(
      `No handler for job "audit.unheard-of" on queue "audit" (job id ${stray.id}); this worker handles ` +
        `${worker
          .get(QueueWorkers)
          .handlers.jobsOf(QueueName.Audit)
          .map((name) => `"${name}"`)
          .join(', ')} there. ` +
        'It was probably enqueued by another version of the service or by hand: it is kept as failed and not retried.',
    );

    const next = await queue.add(JobName.AuditReconcile, {}, { jobId: `test-reconcile-${unique('r')}` });
    expect((await finished(next.id!, 'completed')).returnvalue).toBe(0);
  });

  it('the API creates, measures and shows only the declared queues', async () => {
    expect(ctx.api.get(QueueRegistry).all().map((declared) => declared.name)).toEqual(declaredQueues());
    const metrics = await ctx.http.get('/-/metrics');
    expect(metrics.status).toBe(200);
    const queues = new Set([...metrics.text.matchAll(/^gitlab_users_queue_jobs\{[^}]*queue="([^"]+)"/gm)].map((match) => match[1]));
    expect([...queues].sort()).toEqual(declaredQueues().sort());
    const admin = await signIn(ctx, ctx.rootToken);
    const dashboard = await ctx.http.get('/admin/queues/api/queues').set('Cookie', admin.cookie);
    expect(dashboard.status).toBe(200);
    expect((dashboard.body as { queues: { name: string }[] }).queues.map((shown) => shown.name).sort()).toEqual(declaredQueues().sort());
  });
});

@Injectable()
class RecordHandler {
  @JobHandler(QueueName.Audit, JobName.AuditRecordEvent)
  async record(job: Job): Promise<string> {
    return `recorded ${job.id}`;
  }
}

@Injectable()
class ReconcileHandler {
  @JobHandler(QueueName.Audit, JobName.AuditReconcile)
  async reconcile(): Promise<number> {
    return 0;
  }
}

/** The other contexts' jobs, handled by stand-ins so that each boot below is about the audit queue alone. */
@Injectable()
class OtherQueuesHandler {
  @JobHandler(QueueName.Activity, JobName.ActivityRecordUserActivity)
  async activity(): Promise<void> {}

  @JobHandler(QueueName.Audit, JobName.AuditVerifyChains)
  async verifyChains(): Promise<void> {}

  @JobHandler(QueueName.Activity, JobName.ActivityRollUpActiveUsers)
  async activeUsers(): Promise<void> {}

  @JobHandler(QueueName.Moderation, JobName.ModerationDeleteRejectedUser)
  async rejected(): Promise<void> {}

  @JobHandler(QueueName.Moderation, JobName.ModerationRecordModerator)
  async moderator(): Promise<void> {}

  @JobHandler(QueueName.Mail, JobName.MailEmailConfirmation)
  async confirmation(): Promise<void> {}

  @JobHandler(QueueName.Credentials, JobName.CredentialsRecordTokenUse)
  async tokenUse(): Promise<void> {}

  @JobHandler(QueueName.StatusExpiry, JobName.SocialClearExpiredStatus)
  async clearStatus(): Promise<void> {}

  @JobHandler(QueueName.StatusExpiry, JobName.SocialSweepExpiredStatuses)
  async sweepStatuses(): Promise<void> {}
}

@Injectable()
class SecondRecordHandler {
  @JobHandler(QueueName.Audit, JobName.AuditRecordEvent)
  async again(): Promise<string> {
    return 'again';
  }
}

@Injectable()
class StatusExpiryHandler {
  @JobHandler('status-expiries' as QueueName, JobName.AuditReconcile)
  async expire(): Promise<void> {}
}

describe('worker boot: the handlers found must match the declared jobs', () => {
  // Nothing here reaches PostgreSQL or Redis: the checks run before anything connects.
  const config = { ...loadConfig({}), queuePrefix: `test-worker-jobs-boot-${process.pid}`, logLevel: 'silent' };

  /** A Nest application with the worker's job machinery and these providers (no database, no Redis until used). */
  function boot(providers: Provider[]): Promise<INestApplicationContext> {
    @Module({
      imports: [DiscoveryModule],
      providers: [QueueWorkers, JobSchedules, QueueRegistry, { provide: APP_CONFIG, useValue: config }, OtherQueuesHandler, ...providers],
    })
    class JobsModule {}
    return NestFactory.createApplicationContext(JobsModule, { logger: false, abortOnError: false });
  }

  async function bootProblems(providers: Provider[]): Promise<string[]> {
    const error = await boot(providers).then(
      async (app) => {
        await app.close();
        return null;
      },
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(JobDeclarationError);
    return (error as JobDeclarationError).problems;
  }

  it('boots when each declared job has one handler, and dispatches to the decorated methods', async () => {
    const app = await boot([RecordHandler, ReconcileHandler]);
    try {
      const handlers = app.get(QueueWorkers).handlers;
      expect([...handlers.queues()].sort()).toEqual(declaredQueues().sort());
      await expect(handlers.dispatch(QueueName.Audit, { name: JobName.AuditRecordEvent, id: 'j1' } as Job)).resolves.toBe('recorded j1');
    } finally {
      await app.close();
    }
  });

  it('refuses to boot when two providers claim one job', async () => {
    expect(await bootProblems([RecordHandler, ReconcileHandler, SecondRecordHandler])).toEqual([
      'Job "audit.record-event" is claimed by 2 handlers (RecordHandler.record, SecondRecordHandler.again); keep exactly one.',
    ]);
  });

  it('refuses to boot when a declared job has no handler', async () => {
    expect(await bootProblems([RecordHandler])).toEqual([
      'Job "audit.reconcile" (queue "audit") has no handler. Add @JobHandler(QueueName.Audit, JobName.AuditReconcile) to a method of a provider ' +
        'in a module the worker imports, or remove the job from JobName and JOBS.',
    ]);
  });

  it('refuses to boot when a handler names a queue that is not declared', async () => {
    expect(await bootProblems([RecordHandler, StatusExpiryHandler])).toEqual([
      `Job handler StatusExpiryHandler.expire names queue "status-expiries", which is not a QueueName (known: ${declaredQueues().map((name) => `"${name}"`).join(', ')}). ` +
        'Correct its @JobHandler, or add the queue to QueueName (libs/shared/src/queues/queue-names.ts).',
    ]);
  });

  it('refuses to boot when a relay route or a job schedule names a job nobody handles', async () => {
    const route: RelayRoute = { queue: QueueName.Audit, job: 'audit.forward' as JobName, accepts: () => true };
    const schedule: JobSchedule = { queue: QueueName.Audit, job: 'audit.nightly' as JobName, everyMs: 1_000 };
    expect(
      await bootProblems([RecordHandler, ReconcileHandler, { provide: RELAY_ROUTES, useValue: [route] }, { provide: JOB_SCHEDULES, useValue: [schedule] }]),
    ).toEqual([
      'A relay route names job "audit.forward" on queue "audit", but no handler takes that job: its jobs would never run. ' +
        'Add a @JobHandler for it, or remove the relay route.',
      'A job schedule names job "audit.nightly" on queue "audit", but no handler takes that job: its jobs would never run. ' +
        'Add a @JobHandler for it, or remove the job schedule.',
    ]);
  });
});
