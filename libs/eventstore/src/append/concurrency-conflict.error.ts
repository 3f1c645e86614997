import { ConflictError } from '@app/shared';

/** The stream moved on since it was read. Command handlers retry; past that it is a 409. */
export class ConcurrencyConflictError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
  ) {
    super(
      `409 Conflict - ${streamId.split('.')[0]} record was changed by a concurrent request; retry the request`,
      'eventstore.concurrency_conflict',
    );
  }
}

/** Runs `attempt` again while it fails with a concurrency conflict, up to `attempts` times. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || tried >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * tried));
    }
  }
}
