import type { JobName, QueueName } from './queue-names.js';

const JOB_HANDLER_METADATA = 'gitlab-users:job-handler';

/** The queue and job a decorated method handles. */
export interface JobHandlerTarget {
  queue: QueueName;
  job: JobName;
}

/**
 * Declares a provider method as the handler of `job` on `queue`, where the work lives: the
 * worker finds it at boot and calls it with the BullMQ job; what it returns becomes the job's
 * return value, and what it throws fails the attempt (BullMQ retries it with backoff).
 */
export function JobHandler(queue: QueueName, job: JobName): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    Reflect.defineMetadata(JOB_HANDLER_METADATA, [...jobHandlerTargets(method), { queue, job }], method);
  };
}

/** What `@JobHandler` declared on `method` (nothing for an undecorated one). */
export function jobHandlerTargets(method: unknown): JobHandlerTarget[] {
  if (typeof method !== 'function') return [];
  return (Reflect.getMetadata(JOB_HANDLER_METADATA, method) as JobHandlerTarget[] | undefined) ?? [];
}
