import { PreconditionFailedError } from '@app/kernel';
import type { GitlabRequest } from './gitlab-request.js';

/** The request's `If-Unmodified-Since`, or null when absent or not a date (GitLab ignores an unparsable one). */
export function unmodifiedSinceOf(req: GitlabRequest): Date | null {
  const header = req.headers['if-unmodified-since'];
  const since = typeof header === 'string' ? new Date(header) : null;
  return since && !Number.isNaN(since.getTime()) ? since : null;
}

/**
 * GitLab's `destroy_conditionally!`: 412 when the resource changed after the given time. HTTP
 * dates have whole seconds, so the resource's time is compared at that precision.
 */
export function checkUnmodifiedSince(since: Date | null, updatedAt: Date): void {
  if (since && Math.floor(updatedAt.getTime() / 1000) > Math.floor(since.getTime() / 1000)) throw new PreconditionFailedError();
}
