/**
 * GitLab's `expired?`: a token expires at 00:00 UTC of its `expires_at` date, so one
 * expiring today is already expired. `expiresAt` is `YYYY-MM-DD`, or null for never.
 */
export function tokenExpired(expiresAt: string | null, now: Date = new Date()): boolean {
  return expiresAt !== null && expiresAt <= now.toISOString().slice(0, 10);
}
