import { DatabaseUnavailableError } from '@app/kernel';

/** PostgreSQL's unique_violation (or exclusion_violation, a uniqueness rule over several rows), with the constraint that fired. */
export function uniqueViolationConstraint(error: unknown): string | null {
  const candidate = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const source = candidate?.driverError ?? candidate;
  return source?.code === '23505' || source?.code === '23P01' ? (source.constraint ?? '') : null;
}

/**
 * PostgreSQL aborted the transaction to let a concurrent one through (40P01 deadlock_detected, as
 * two inserts racing on an exclusion constraint can end, or 40001 serialization_failure): nothing
 * was written, and running it again is the remedy.
 */
export function isTransactionRace(error: unknown): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return code === '40P01' || code === '40001';
}

/** SQLSTATE classes that mean the session is gone: 08 connection exception, 57P operator intervention (terminated, shutting down). */
const LOST_SQLSTATE = /^(08|57P)/;
/** What node-postgres and the socket say when the server went away without a protocol message. */
const LOST_MESSAGE = /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT/;

/**
 * True when `error` says the database connection was lost (terminated by an administrator,
 * a restart, a network cut) rather than that the statement itself was wrong.
 */
export function isConnectionLoss(error: unknown): boolean {
  const candidate = error as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!candidate || typeof candidate !== 'object') return false;
  if (error instanceof DatabaseUnavailableError) return true;
  if (candidate.driverError) return isConnectionLoss(candidate.driverError);
  if (typeof candidate.code === 'string' && (LOST_SQLSTATE.test(candidate.code) || /^E(CONNRESET|CONNREFUSED|PIPE|TIMEDOUT)$/.test(candidate.code))) return true;
  return typeof candidate.message === 'string' && LOST_MESSAGE.test(candidate.message);
}
