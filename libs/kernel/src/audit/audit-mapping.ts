import type { StoredEvent } from '../events/event.types.js';

/**
 * One GitLab audit row as the context that owns an event describes it: which user it is about,
 * its GitLab event name, how the target is named, and the event's own details. The audit worker
 * adds what every row shares (author, request, IP address, impersonator) from the event's metadata.
 */
export interface AuditEntry {
  /** The user the row is about (GitLab's `entity_id`, `target_id`). */
  entity_id: number;
  /** GitLab's audit event name, e.g. `user_email_address_updated`. */
  event_name: string;
  /** How the target is shown (`target_details`, `entity_path`): a username, or `user-<id>`. */
  target_details: string;
  /** The details specific to this kind of row (`change`, `from`, `to`, `custom_message`, …). */
  details: Record<string, unknown>;
}

/**
 * A context's audit knowledge: the event types it audits and the rows each leaves. Pure, so the
 * same event always gives the same rows and a redelivered event inserts nothing new.
 */
export interface AuditMapping {
  readonly context: string;
  readonly eventTypes: readonly string[];
  entriesFor(event: StoredEvent): AuditEntry[];
}
