import { describe, it, expect } from '@jest/globals';
import type { AuditEntry, EventMetadata, StoredEvent } from '@app/kernel';
import { auditEventDraft, auditEventDrafts } from './audit-event-draft.js';

const OCCURRED_AT = new Date('2026-11-21T12:00:00.000Z');
const EVENT_ID = '0b4f3c1e-0000-4000-8000-000000000001';
const ADMIN_META: EventMetadata = {
  actor_id: 1,
  actor_username: 'root',
  impersonator_id: null,
  ip: '10.0.0.5',
  user_agent: 'curl/8',
  request_id: 'req-123',
  correlation_id: 'req-123',
  causation_id: null,
};

function stored(metadata: Partial<EventMetadata> = {}): StoredEvent {
  return {
    type: 'identity.user_created',
    schemaVersion: 1,
    data: {},
    globalPosition: 10,
    transactionId: '99',
    eventId: EVENT_ID,
    streamId: 'identity.user-42',
    streamVersion: 2,
    metadata: { ...ADMIN_META, ...metadata },
    occurredAt: OCCURRED_AT,
  };
}

const created: AuditEntry = { entity_id: 42, event_name: 'user_created', target_details: 'jdoe', details: { add: 'user', custom_message: 'User jdoe created' } };

describe('auditEventDraft', () => {
  it("given an entry of an admin's event, then one row in GitLab's shape", () => {
    expect(auditEventDraft(stored(), created)).toEqual({
      author_id: 1,
      entity_id: 42,
      entity_type: 'User',
      event_name: 'user_created',
      created_at: OCCURRED_AT,
      source_event_id: EVENT_ID,
      details: {
        event_name: 'user_created',
        author_name: 'root',
        author_class: 'User',
        target_id: 42,
        target_type: 'User',
        target_details: 'jdoe',
        add: 'user',
        custom_message: 'User jdoe created',
        ip_address: '10.0.0.5',
        entity_path: 'jdoe',
        request_id: 'req-123',
      },
    });
  });

  it('given a system event (no actor), then author -1, "(System)" and the unauthenticated author class', () => {
    const row = auditEventDraft(stored({ actor_id: null, actor_username: null }), created);

    expect(row.author_id).toBe(-1);
    expect(row.details).toMatchObject({ author_name: '(System)', author_class: 'Gitlab::Audit::UnauthenticatedAuthor' });
  });

  it('given an impersonated request, then impersonated_by_id is in the details', () => {
    const row = auditEventDraft(stored({ actor_id: 7, actor_username: 'alice', impersonator_id: 1 }), created);

    expect(row.author_id).toBe(7);
    expect(row.details).toMatchObject({ author_name: 'alice', impersonated_by_id: 1 });
  });

  it("given the actor's display name in the metadata, then it is the author_name (GitLab shows author.name)", () => {
    const row = auditEventDraft(stored({ actor_id: 7, actor_username: 'alice', actor_name: 'Alice Liddell' }), created);
    expect(row.details).toMatchObject({ author_name: 'Alice Liddell' });
  });

  it('given no impersonator, then the details have no impersonated_by_id key', () => {
    expect(auditEventDraft(stored(), created).details).not.toHaveProperty('impersonated_by_id');
  });

  it('given the same event twice, then the same rows (idempotent redelivery)', () => {
    expect(auditEventDraft(stored(), created)).toEqual(auditEventDraft(stored(), created));
  });
});

describe('auditEventDrafts', () => {
  it('gives every entry of every event, in order, each tied to its source event', () => {
    const second = { ...stored(), eventId: '0b4f3c1e-0000-4000-8000-000000000002' };
    const mappings = {
      entriesFor: (event: StoredEvent): AuditEntry[] =>
        event.eventId === EVENT_ID ? [created, { ...created, event_name: 'user_other' }] : [{ ...created, event_name: 'user_third' }],
    };

    const rows = auditEventDrafts([stored(), second], mappings);

    expect(rows.map((row) => [row.event_name, row.source_event_id])).toEqual([
      ['user_created', EVENT_ID],
      ['user_other', EVENT_ID],
      ['user_third', second.eventId],
    ]);
  });

  it('gives no rows for events no mapping audits', () => {
    expect(auditEventDrafts([stored()], { entriesFor: () => [] })).toEqual([]);
  });
});
