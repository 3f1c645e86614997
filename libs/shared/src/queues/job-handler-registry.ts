import { UnrecoverableError, type Job } from 'bullmq';
import { JOBS } from './jobs.js';
import { JobName, QueueName } from './queue-names.js';

/** A handler found at boot. Names are plain strings here: checking them is this file's job. */
export interface FoundJobHandler {
  queue: string;
  job: string;
  /** Where it is declared, e.g. `AuditWorker.process`: boot errors name it. */
  source: string;
  handle(job: Job): Promise<unknown>;
}

/** Something else that names a job and expects it to run: a relay route or a job schedule. */
export interface JobReference {
  kind: 'relay route' | 'job schedule';
  queue: string;
  job: string;
}

/** What the handlers are checked against; tests pass their own. */
export interface JobDeclarations {
  /** Job name → the queue it runs on (JOBS). */
  jobs: Readonly<Record<string, string>>;
  /** Every queue name there is (QueueName). */
  queues: readonly string[];
}

const DECLARED: JobDeclarations = { jobs: JOBS, queues: Object.values(QueueName) };

/** The worker's declared jobs do not add up; `problems` says each thing wrong and what to do about it. */
export class JobDeclarationError extends Error {
  constructor(readonly problems: string[]) {
    super(`The worker's jobs are not declared consistently:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'JobDeclarationError';
  }
}

/** `QueueName.Audit` for a declared value (as the fix would spell it), the quoted value otherwise. */
function enumRef(enumName: string, members: Record<string, string>, value: string): string {
  const key = Object.keys(members).find((name) => members[name] === value);
  return key ? `${enumName}.${key}` : JSON.stringify(value);
}

/**
 * Every job handler of the worker, by queue and job name, checked at boot against the static
 * declarations (JOBS, QueueName) and against what relay routes and schedules enqueue: a job
 * that nothing handles would sit in Redis forever, so the worker refuses to start instead.
 */
export class JobHandlerRegistry {
  private constructor(private readonly byQueue: ReadonlyMap<string, ReadonlyMap<string, FoundJobHandler>>) {}

  /** Builds the registry, or throws a JobDeclarationError naming every problem at once. */
  static verified(handlers: readonly FoundJobHandler[], references: readonly JobReference[] = [], declared: JobDeclarations = DECLARED): JobHandlerRegistry {
    const problems = findProblems(handlers, references, declared);
    if (problems.length > 0) throw new JobDeclarationError(problems);
    const byQueue = new Map<string, Map<string, FoundJobHandler>>();
    for (const handler of handlers) {
      const jobs = byQueue.get(handler.queue) ?? new Map<string, FoundJobHandler>();
      jobs.set(handler.job, handler);
      byQueue.set(handler.queue, jobs);
    }
    return new JobHandlerRegistry(byQueue);
  }

  /** The queues with at least one handler: the worker runs one BullMQ Worker for each. */
  queues(): string[] {
    return [...this.byQueue.keys()];
  }

  /** The job names handled on `queue`. */
  jobsOf(queue: string): string[] {
    return [...(this.byQueue.get(queue)?.keys() ?? [])];
  }

  /**
   * Runs the handler of `job`. A job name nobody handles (enqueued by another version of the
   * service, or by hand) fails that job for good: retrying cannot help, and BullMQ keeps it in
   * the failed set for an operator to look at; the worker goes on with the next job.
   */
  async dispatch(queue: string, job: Job): Promise<unknown> {
    const handler = this.byQueue.get(queue)?.get(job.name);
    if (!handler) {
      const known = this.jobsOf(queue).map((name) => `"${name}"`).join(', ') || 'none';
      throw new UnrecoverableError(
        `No handler for job "${job.name}" on queue "${queue}" (job id ${job.id ?? 'unknown'}); this worker handles ${known} there. ` +
          'It was probably enqueued by another version of the service or by hand: it is kept as failed and not retried.',
      );
    }
    return handler.handle(job);
  }
}

function findProblems(handlers: readonly FoundJobHandler[], references: readonly JobReference[], declared: JobDeclarations): string[] {
  const problems: string[] = [];
  const queueRef = (queue: string) => enumRef('QueueName', QueueName, queue);
  const jobRef = (job: string) => enumRef('JobName', JobName, job);
  const knownQueues = declared.queues.map((queue) => `"${queue}"`).join(', ') || 'none';

  for (const handler of handlers) {
    if (!declared.queues.includes(handler.queue)) {
      problems.push(
        `Job handler ${handler.source} names queue "${handler.queue}", which is not a QueueName (known: ${knownQueues}). ` +
          'Correct its @JobHandler, or add the queue to QueueName (libs/shared/src/queues/queue-names.ts).',
      );
    }
    const queueOfJob = declared.jobs[handler.job];
    if (queueOfJob === undefined) {
      problems.push(
        `Job handler ${handler.source} names job "${handler.job}", which JOBS does not declare. ` +
          'Correct its @JobHandler, or add the job to JobName and JOBS (libs/shared/src/queues/).',
      );
    } else if (queueOfJob !== handler.queue && declared.queues.includes(handler.queue)) {
      problems.push(
        `Job handler ${handler.source} takes job "${handler.job}" from queue "${handler.queue}", but JOBS puts that job on queue "${queueOfJob}". ` +
          'Make its @JobHandler and JOBS name the same queue.',
      );
    }
  }

  const byJob = new Map<string, FoundJobHandler[]>();
  for (const handler of handlers) byJob.set(handler.job, [...(byJob.get(handler.job) ?? []), handler]);
  for (const [job, claimants] of byJob) {
    if (claimants.length > 1) {
      problems.push(`Job "${job}" is claimed by ${claimants.length} handlers (${claimants.map((handler) => handler.source).join(', ')}); keep exactly one.`);
    }
  }

  for (const [job, queue] of Object.entries(declared.jobs)) {
    if (!byJob.has(job)) {
      problems.push(
        `Job "${job}" (queue "${queue}") has no handler. Add @JobHandler(${queueRef(queue)}, ${jobRef(job)}) to a method of a provider ` +
          'in a module the worker imports, or remove the job from JobName and JOBS.',
      );
    }
  }

  for (const queue of declared.queues) {
    if (!Object.values(declared.jobs).includes(queue)) {
      problems.push(`Queue "${queue}" has no job in JOBS, so no worker would ever drain it. Remove it from QueueName until a job runs on it.`);
    }
  }

  for (const reference of references) {
    const claimants = byJob.get(reference.job) ?? [];
    if (claimants.length === 0) {
      problems.push(
        `A ${reference.kind} names job "${reference.job}" on queue "${reference.queue}", but no handler takes that job: ` +
          `its jobs would never run. Add a @JobHandler for it, or remove the ${reference.kind}.`,
      );
    } else if (claimants.every((handler) => handler.queue !== reference.queue)) {
      problems.push(
        `A ${reference.kind} sends job "${reference.job}" to queue "${reference.queue}", but its handler (${claimants[0].source}) ` +
          `takes it from queue "${claimants[0].queue}". Make the ${reference.kind} name ${queueRef(claimants[0].queue)}.`,
      );
    }
  }
  return problems;
}
