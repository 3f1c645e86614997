import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, QueueName, QueueOperations, QueueRegistry, UnknownQueueError } from '../../../libs/shared/src/index.js';
import { eventually } from '../../support/test-app.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/apps/worker/src/queues-cli.js');

/**
 * The queue operator's tools (`npm run queues`): status, failed jobs with their reasons, and
 * retrying them, on a queue prefix of this test's own. Failed jobs are made by a real BullMQ
 * worker whose processor throws until it is told to succeed.
 */
describe('queue operations: status, failed jobs, retry', () => {
  const config = { ...loadConfig({}), queuePrefix: `test-queue-ops-${process.pid}`, logLevel: 'silent' as const };
  const registry = new QueueRegistry(config);
  const operations = new QueueOperations(registry);
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  let failing = true;
  let worker: Worker;

  const counts = async () => (await operations.status()).find((status) => status.queue === QueueName.Mail)!.counts;

  beforeAll(async () => {
    worker = new Worker(
      QueueName.Mail,
      async (job) => {
        if (failing) throw new Error(`SMTP refused job ${job.id} (test)`);
        return 'sent';
      },
      { connection, prefix: config.queuePrefix },
    );
    const queue = registry.get(QueueName.Mail);
    for (const n of [1, 2, 3]) await queue.add('mail.email-confirmation', { n }, { jobId: `ops-${n}`, attempts: 1 });
    await eventually(async () => ((await counts()).failed === 3 ? true : undefined), 15_000, 'three failed jobs');
  });

  afterAll(async () => {
    await worker?.close();
    await registry.get(QueueName.Mail).obliterate({ force: true });
    await registry.onApplicationShutdown();
    await connection.quit();
  });

  it('status counts every declared queue by state', async () => {
    const status = await operations.status();
    expect(status.map((entry) => entry.queue).sort()).toEqual(Object.values(QueueName).sort());
    expect(await counts()).toMatchObject({ failed: 3, waiting: 0, active: 0 });
  });

  it('failed lists the jobs with why they failed', async () => {
    const failed = await operations.failed(QueueName.Mail, 10);
    expect(failed.map((job) => job.id).sort()).toEqual(['ops-1', 'ops-2', 'ops-3']);
    for (const job of failed) {
      expect(job).toMatchObject({ name: 'mail.email-confirmation', attemptsMade: 1, failedReason: `SMTP refused job ${job.id} (test)` });
      expect(job.finishedOn).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    expect(await operations.failed(QueueName.Mail, 1)).toHaveLength(1);
  });

  it('an unknown queue is refused, naming the queues there are', () => {
    expect(() => QueueOperations.queueNamed('mails')).toThrow(UnknownQueueError);
    expect(() => QueueOperations.queueNamed('mails')).toThrow(`No queue "mails". The queues are: ${Object.values(QueueName).join(', ')}.`);
  });

  it('retry-failed --limit 2 moves two back; once the cause is fixed they complete, and the last one stays failed', async () => {
    failing = false;
    expect(await operations.retryFailed(QueueName.Mail, 2)).toBe(2);
    await eventually(async () => ((await counts()).completed === 2 ? true : undefined), 15_000, 'two retried jobs completed');
    expect(await counts()).toMatchObject({ failed: 1, completed: 2 });
  });

  it('the command line: status, failed and retry-failed on the same queues; a bad queue exits 2 with usage', async () => {
    const env = { ...process.env, QUEUE_PREFIX: config.queuePrefix, REDIS_URL: config.redisUrl };
    const status = await run(process.execPath, [CLI, 'status'], { env });
    expect(status.stdout).toMatch(/^mail\s+waiting 0, prioritized 0, active 0, delayed 0, failed 1, completed 2$/m);
    const failed = await run(process.execPath, [CLI, 'failed', 'mail'], { env });
    expect(failed.stdout).toContain('SMTP refused job');
    const retried = await run(process.execPath, [CLI, 'retry-failed', 'mail'], { env });
    expect(retried.stdout).toBe('Retried 1 failed job of mail; a running worker takes them now.\n');
    await eventually(async () => ((await counts()).completed === 3 ? true : undefined), 15_000, 'the last job completed');
    const none = await run(process.execPath, [CLI, 'retry-failed', 'mail'], { env });
    expect(none.stdout).toBe('Retried 0 failed jobs of mail; a running worker takes them now.\n');
    const bad = await run(process.execPath, [CLI, 'retry-failed', 'mails'], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('No queue "mails"') });
    expect((bad as { stderr: string }).stderr).toContain('Usage: npm run queues -- <command>');
  });
});
