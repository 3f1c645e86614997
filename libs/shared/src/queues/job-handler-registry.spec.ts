import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobDeclarationError, JobHandlerRegistry, type FoundJobHandler, type JobDeclarations, type JobReference } from './job-handler-registry.js';
import { JOBS, declaredQueues } from './jobs.js';
import { JobName, QueueName } from './queue-names.js';

const declared: JobDeclarations = {
  jobs: { 'mail.send': 'mail', 'mail.purge': 'mail', 'report.build': 'reports' },
  queues: ['mail', 'reports'],
};

function handler(queue: string, job: string, source = `Handlers.${job.replace('.', '_')}`): FoundJobHandler {
  return { queue, job, source, handle: async (received) => `${source} ran ${received.name}` };
}

const complete = (): FoundJobHandler[] => [handler('mail', 'mail.send'), handler('mail', 'mail.purge'), handler('reports', 'report.build')];

/** The problems `verified` reports, or [] when it accepts. */
function problemsOf(handlers: FoundJobHandler[], references: JobReference[] = [], declarations: JobDeclarations = declared): string[] {
  try {
    JobHandlerRegistry.verified(handlers, references, declarations);
    return [];
  } catch (error) {
    if (!(error instanceof JobDeclarationError)) throw error;
    return error.problems;
  }
}

const job = (name: string, id = '42') => ({ name, id }) as Job;

describe('job handler registry: boot checks', () => {
  it('accepts one handler per declared job and groups them by queue', () => {
    const registry = JobHandlerRegistry.verified(complete(), [{ kind: 'relay route', queue: 'mail', job: 'mail.send' }], declared);
    expect(registry.queues().sort()).toEqual(['mail', 'reports']);
    expect(registry.jobsOf('mail').sort()).toEqual(['mail.purge', 'mail.send']);
    expect(registry.jobsOf('reports')).toEqual(['report.build']);
  });

  it('refuses a declared job without a handler, saying which and what to add', () => {
    const handlers = complete().filter((found) => found.job !== 'mail.purge');
    expect(problemsOf(handlers)).toEqual([
      'Job "mail.purge" (queue "mail") has no handler. Add @JobHandler(QueueName.Mail, "mail.purge") to a method of a provider ' +
        'in a module the worker imports, or remove the job from JobName and JOBS.',
    ]);
  });

  it('spells the decorator to add with the enum members for the real declarations', () => {
    const handlers = Object.entries(JOBS)
      .filter(([name]) => name !== JobName.AuditReconcile)
      .map(([name, queue]) => handler(queue, name));
    const [problem] = problemsOf(handlers, [], { jobs: JOBS, queues: Object.values(QueueName) });
    expect(problem).toContain(`Job "${JobName.AuditReconcile}" (queue "${QueueName.Audit}") has no handler. Add @JobHandler(QueueName.Audit, JobName.AuditReconcile)`);
  });

  it('refuses a handler on a queue that is not a QueueName', () => {
    const handlers = [...complete().filter((found) => found.job !== 'report.build'), handler('report', 'report.build', 'ReportJobs.build')];
    expect(problemsOf(handlers)).toEqual([
      'Job handler ReportJobs.build names queue "report", which is not a QueueName (known: "mail", "reports"). ' +
        'Correct its @JobHandler, or add the queue to QueueName (libs/shared/src/queues/queue-names.ts).',
    ]);
  });

  it('refuses a handler for a job that JOBS does not declare', () => {
    expect(problemsOf([...complete(), handler('mail', 'mail.bounce', 'MailJobs.bounce')])).toEqual([
      'Job handler MailJobs.bounce names job "mail.bounce", which JOBS does not declare. ' +
        'Correct its @JobHandler, or add the job to JobName and JOBS (libs/shared/src/queues/).',
    ]);
  });

  it('refuses a handler that takes its job from another queue than JOBS says', () => {
    const handlers = [...complete().filter((found) => found.job !== 'report.build'), handler('mail', 'report.build', 'ReportJobs.build')];
    expect(problemsOf(handlers)).toEqual([
      'Job handler ReportJobs.build takes job "report.build" from queue "mail", but JOBS puts that job on queue "reports". ' +
        'Make its @JobHandler and JOBS name the same queue.',
    ]);
  });

  it('refuses two handlers claiming one job, naming both', () => {
    expect(problemsOf([...complete(), handler('mail', 'mail.send', 'LegacyMail.send')])).toEqual([
      'Job "mail.send" is claimed by 2 handlers (Handlers.mail_send, LegacyMail.send); keep exactly one.',
    ]);
  });

  it('refuses a queue that no declared job runs on', () => {
    expect(problemsOf(complete(), [], { ...declared, queues: [...declared.queues, 'status-expiry'] })).toEqual([
      'Queue "status-expiry" has no job in JOBS, so no worker would ever drain it. Remove it from QueueName until a job runs on it.',
    ]);
  });

  it('refuses a relay route to a job nobody handles', () => {
    expect(problemsOf(complete(), [{ kind: 'relay route', queue: 'mail', job: 'mail.forward' }])).toEqual([
      'A relay route names job "mail.forward" on queue "mail", but no handler takes that job: its jobs would never run. ' +
        'Add a @JobHandler for it, or remove the relay route.',
    ]);
  });

  it('refuses a job schedule for a job nobody handles', () => {
    expect(problemsOf(complete(), [{ kind: 'job schedule', queue: 'reports', job: 'report.nightly' }])).toEqual([
      'A job schedule names job "report.nightly" on queue "reports", but no handler takes that job: its jobs would never run. ' +
        'Add a @JobHandler for it, or remove the job schedule.',
    ]);
  });

  it('refuses a route or schedule that sends a job to a queue its handler does not read', () => {
    expect(problemsOf(complete(), [{ kind: 'job schedule', queue: 'mail', job: 'report.build' }])).toEqual([
      'A job schedule sends job "report.build" to queue "mail", but its handler (Handlers.report_build) takes it from queue "reports". ' +
        'Make the job schedule name "reports".',
    ]);
  });

  it('reports every problem at once, one per line of the error message', () => {
    const handlers = [...complete().filter((found) => found.job !== 'mail.purge'), handler('mail', 'mail.send', 'Again.send')];
    const references: JobReference[] = [{ kind: 'relay route', queue: 'mail', job: 'nope' }];
    let thrown: unknown;
    try {
      JobHandlerRegistry.verified(handlers, references, declared);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(JobDeclarationError);
    const { message, problems } = thrown as JobDeclarationError;
    expect(problems).toHaveLength(3);
    expect(message.split('\n')).toEqual(["The worker's jobs are not declared consistently:", ...problems.map((problem) => `  - ${problem}`)]);
  });

  it('the real declarations: every JobName has a queue, every QueueName a job, and the registry queues are those', () => {
    const handlers = Object.entries(JOBS).map(([name, queue]) => handler(queue, name));
    expect(Object.keys(JOBS).sort()).toEqual(Object.values(JobName).sort());
    const registry = JobHandlerRegistry.verified(handlers);
    expect(registry.queues().sort()).toEqual([...declaredQueues()].sort());
    expect(declaredQueues().sort()).toEqual(Object.values(QueueName).sort());
  });
});

describe('job handler registry: dispatch', () => {
  it("runs the job's handler and returns what it returns", async () => {
    const registry = JobHandlerRegistry.verified(complete(), [], declared);
    await expect(registry.dispatch('mail', job('mail.purge'))).resolves.toBe('Handlers.mail_purge ran mail.purge');
    await expect(registry.dispatch('reports', job('report.build'))).resolves.toBe('Handlers.report_build ran report.build');
  });

  it('fails an unknown job name for good (no retry), saying what it got and what this worker handles', async () => {
    const registry = JobHandlerRegistry.verified(complete(), [], declared);
    const failure = registry.dispatch('mail', job('mail.unknown', '7'));
    await expect(failure).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(failure).rejects.toThrow(
      'No handler for job "mail.unknown" on queue "mail" (job id 7); this worker handles "mail.send", "mail.purge" there. ' +
        'It was probably enqueued by another version of the service or by hand: it is kept as failed and not retried.',
    );
    // A known name on the wrong queue is unknown there too.
    await expect(registry.dispatch('reports', job('mail.send'))).rejects.toThrow('No handler for job "mail.send" on queue "reports"');
  });
});
