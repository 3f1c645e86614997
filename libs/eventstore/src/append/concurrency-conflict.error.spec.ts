import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '@app/shared';
import { ConcurrencyConflictError, retryOnConflict, type ConflictRetryPolicy } from './concurrency-conflict.error.js';

const policy: ConflictRetryPolicy = { attempts: 5, baseDelayMs: 4, maxDelayMs: 20 };
const conflict = () => new ConcurrencyConflictError('identity.user-7', '3');

/** An attempt that fails with `errors` in turn, then answers 'done'. */
function failing(errors: Error[]) {
  let calls = 0;
  const attempt = async () => {
    calls += 1;
    const error = errors.shift();
    if (error) throw error;
    return 'done';
  };
  return { attempt, calls: () => calls };
}

describe('retryOnConflict', () => {
  it('re-runs the attempt after each conflict and returns its first success', async () => {
    const { attempt, calls } = failing([conflict(), conflict(), conflict()]);
    const pauses: number[] = [];
    await expect(retryOnConflict(attempt, policy, async (ms) => void pauses.push(ms), () => 1)).resolves.toBe('done');
    expect(calls()).toBe(4);
    // The ceiling doubles from the base delay: 4, 8, 16 ms.
    expect(pauses).toEqual([4, 8, 16]);
  });

  it('never pauses longer than the maximum delay, and draws each pause below its ceiling', async () => {
    const { attempt } = failing([conflict(), conflict(), conflict(), conflict()]);
    const pauses: number[] = [];
    await retryOnConflict(attempt, policy, async (ms) => void pauses.push(ms), () => 0.5);
    expect(pauses).toEqual([2, 4, 8, 10]);
  });

  it('gives up after `attempts` tries and throws the last conflict (answered 409)', async () => {
    const { attempt, calls } = failing(Array.from({ length: 10 }, conflict));
    await expect(retryOnConflict(attempt, policy, async () => undefined)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(calls()).toBe(5);
  });

  it('does not retry any other error, a 409 of another kind included', async () => {
    const taken = new ConflictError('Email has already been taken');
    const { attempt, calls } = failing([taken]);
    await expect(retryOnConflict(attempt, policy, async () => undefined)).rejects.toBe(taken);
    expect(calls()).toBe(1);
  });
});
