import { renderStatusMessage } from '../../infrastructure/emoji-catalog.js';
import type { UserStatusRow } from '../../infrastructure/user-statuses.repository.js';

/** GitLab's `UserStatus` entity; a user without a status shows every field empty, as GitLab does. */
export function presentUserStatus(row: UserStatusRow | null): Record<string, unknown> {
  if (!row) return { emoji: null, message: null, availability: null, message_html: '', clear_status_at: null };
  return {
    emoji: row.emoji,
    message: row.message,
    availability: row.availability,
    message_html: renderStatusMessage(row.message),
    clear_status_at: row.clear_status_at ? row.clear_status_at.toISOString() : null,
  };
}
