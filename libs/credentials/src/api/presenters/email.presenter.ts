import type { EmailRow } from '../../infrastructure/email/user-emails.repository.js';

/** GitLab's `Email` entity. */
export function presentEmail(row: EmailRow): Record<string, unknown> {
  return { id: Number(row.id), email: row.email, confirmed_at: row.confirmed_at?.toISOString() ?? null };
}
