import { describe, it, expect } from '@jest/globals';
import type { AuditMapping, StoredEvent } from '@app/kernel';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';
import { AuditMappingRegistry } from './audit-mapping-registry.js';

const event = (type: string, data: unknown = { id: 1 }): StoredEvent => ({
  type,
  schemaVersion: 1,
  data,
  globalPosition: 1,
  transactionId: '1',
  eventId: '0b4f3c1e-0000-4000-8000-000000000003',
  streamId: 'test.thing-1',
  streamVersion: 1,
  metadata: { actor_id: null, actor_username: null, impersonator_id: null, ip: null, user_agent: null, request_id: null, correlation_id: null, causation_id: null },
  occurredAt: new Date(0),
});

const thingMapping: AuditMapping = {
  context: 'things',
  eventTypes: ['things.made', 'things.broken'],
  entriesFor: (stored) =>
    stored.type === 'things.made' ? [{ entity_id: (stored.data as { id: number }).id, event_name: 'thing_made', target_details: 'thing', details: {} }] : [],
};

function registries(): { upcasters: UpcasterRegistry; audit: AuditMappingRegistry } {
  const upcasters = new UpcasterRegistry();
  const audit = new AuditMappingRegistry(upcasters);
  audit.register(thingMapping);
  return { upcasters, audit };
}

describe('AuditMappingRegistry', () => {
  it('hands an event to the mapping of its context and knows which types are audited', () => {
    const { audit } = registries();

    expect(audit.entriesFor(event('things.made', { id: 7 }))).toEqual([{ entity_id: 7, event_name: 'thing_made', target_details: 'thing', details: {} }]);
    expect(audit.eventTypes).toEqual(['things.made', 'things.broken']);
    expect(audit.audits(event('things.broken'))).toBe(true);
  });

  it('gives no entries for an event type no context audits', () => {
    const { audit } = registries();
    expect(audit.audits(event('other.done'))).toBe(false);
    expect(audit.entriesFor(event('other.done'))).toEqual([]);
  });

  it('refuses a second mapping for an audited type', () => {
    const { audit } = registries();
    expect(() => audit.register({ context: 'copycat', eventTypes: ['things.made'], entriesFor: () => [] })).toThrow(
      'Event type things.made is audited by both things and copycat',
    );
  });

  it('stored types include older types that upcast into audited ones', () => {
    const { upcasters, audit } = registries();
    upcasters.register({ eventType: 'things.legacy', fromVersion: 1, produces: ['things.made'], upcast: (stored) => [{ ...stored, type: 'things.made' }] });

    expect(audit.storedEventTypes().sort()).toEqual(['things.broken', 'things.legacy', 'things.made']);
  });
});
