import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';

/** A GitLab-shaped audit row, before it gets its id. */
export interface AuditEventDraft {
  author_id: number;
  entity_id: number;
  entity_type: 'User';
  event_name: string;
  details: Record<string, unknown>;
  created_at: Date;
  source_event_id: string;
}

/**
 * GitLab's audit row for one entry a context derived from `event`: the entry's own details inside
 * what every row carries (author, target, IP address, request id), taken from the event's
 * metadata. Pure, so a redelivered event gives the same rows and inserts nothing new.
 */
export function auditEventDraft(event: StoredEvent, entry: AuditEntry): AuditEventDraft {
  const meta = event.metadata;
  return {
    author_id: meta.actor_id ?? -1,
    entity_id: entry.entity_id,
    entity_type: 'User',
    event_name: entry.event_name,
    created_at: event.occurredAt,
    source_event_id: event.eventId,
    details: {
      event_name: entry.event_name,
      // Events written before actor_name existed fall back to the username.
      author_name: meta.actor_name ?? meta.actor_username ?? '(System)',
      author_class: meta.actor_id === null ? 'Gitlab::Audit::UnauthenticatedAuthor' : 'User',
      target_id: entry.entity_id,
      target_type: 'User',
      target_details: entry.target_details,
      ...entry.details,
      ip_address: meta.ip,
      entity_path: entry.target_details,
      ...(meta.impersonator_id !== null ? { impersonated_by_id: meta.impersonator_id } : {}),
      request_id: meta.request_id,
    },
  };
}

/** The audit rows of stored events, as the contexts' mappings describe them. */
export function auditEventDrafts(events: readonly StoredEvent[], mappings: Pick<AuditMapping, 'entriesFor'>): AuditEventDraft[] {
  return events.flatMap((event) => mappings.entriesFor(event).map((entry) => auditEventDraft(event, entry)));
}
