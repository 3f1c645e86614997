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

/** How often, and how far apart, a command is re-decided after a conflict. */
export interface ConflictRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Enough for 50 writers on one stream at once to all get through on a busy 2-core machine (see
 * the concurrency e2e test; 15 attempts lost a few of them when the test suite shared the CPUs),
 * while a request never waits more than about three seconds for its turn.
 */
export const CONFLICT_RETRY: ConflictRetryPolicy = { attempts: 20, baseDelayMs: 4, maxDelayMs: 200 };

/**
 * Runs `attempt` again while it fails with a concurrency conflict, up to `policy.attempts`
 * times. Each attempt re-reads the stream and re-decides, so a retry never overwrites what
 * the winner wrote. The pause is drawn at random below an exponentially growing ceiling
 * ("full jitter"), so contenders spread out instead of colliding again in lockstep.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<T>,
  policy: ConflictRetryPolicy = CONFLICT_RETRY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => number = Math.random,
): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || tried >= policy.attempts) throw error;
      await sleep(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tried - 1)));
    }
  }
}
