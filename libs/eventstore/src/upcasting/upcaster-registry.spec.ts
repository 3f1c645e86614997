import { describe, it, expect } from '@jest/globals';
import { versionStep, type StoredEvent, type Upcaster } from '@app/kernel';
import { UpcasterRegistry } from './upcaster-registry.js';

function stored(type: string, schemaVersion: number, data: unknown): StoredEvent {
  return {
    type,
    schemaVersion,
    data,
    globalPosition: 12,
    transactionId: '800',
    eventId: '0b4f3c1e-0000-4000-8000-00000000000c',
    streamId: 'test.thing-1',
    streamVersion: 4,
    metadata: { actor_id: 1, actor_username: 'root', impersonator_id: null, ip: null, user_agent: null, request_id: null, correlation_id: null, causation_id: null },
    occurredAt: new Date('2026-01-02T03:04:05.000Z'),
  };
}

/** `test.renamed` v1 → v2 adds `b`; v2 → v3 renames `a` to `c`. */
const addB = versionStep('test.renamed', 1, (data) => ({ ...(data as object), b: 0 }));
const renameA = versionStep('test.renamed', 2, (data) => {
  const { a, ...rest } = data as { a: number };
  return { ...rest, c: a };
});

/** `test.bag` v1 becomes one `test.first` (v1, then upcast to v2 by its own step) and one `test.second`. */
const splitBag: Upcaster = {
  eventType: 'test.bag',
  fromVersion: 1,
  produces: ['test.first', 'test.second'],
  upcast: (event) => {
    const { first, second } = event.data as { first: string; second: string };
    return [
      { type: 'test.first', schemaVersion: 1, data: { value: first } },
      { type: 'test.second', schemaVersion: 1, data: { value: second } },
    ];
  },
};
const firstV2 = versionStep('test.first', 1, (data) => ({ ...(data as object), upcast: true }));

function registry(...upcasters: Upcaster[]): UpcasterRegistry {
  const upcasting = new UpcasterRegistry();
  for (const upcaster of upcasters) upcasting.register(upcaster);
  return upcasting;
}

describe('UpcasterRegistry', () => {
  it('given an event no upcaster reads, then it comes back as it is', () => {
    const event = stored('test.renamed', 3, { c: 1, b: 2 });
    expect(registry(addB, renameA).upcast(event)).toEqual([event]);
  });

  it('given an old version, then every step is applied in order up to the current version', () => {
    const [event] = registry(renameA, addB).upcast(stored('test.renamed', 1, { a: 5 }));
    expect(event.schemaVersion).toBe(3);
    expect(event.data).toEqual({ b: 0, c: 5 });
  });

  it('given an event an upcaster splits, then each part is upcast further and keeps the stored identity', () => {
    const source = stored('test.bag', 1, { first: 'x', second: 'y' });
    const events = registry(splitBag, firstV2).upcast(source);

    expect(events.map(({ type, schemaVersion, data }) => ({ type, schemaVersion, data }))).toEqual([
      { type: 'test.first', schemaVersion: 2, data: { value: 'x', upcast: true } },
      { type: 'test.second', schemaVersion: 1, data: { value: 'y' } },
    ]);
    for (const event of events) {
      expect(event).toMatchObject({
        eventId: source.eventId,
        globalPosition: 12,
        transactionId: '800',
        streamId: 'test.thing-1',
        streamVersion: 4,
        metadata: source.metadata,
        occurredAt: source.occurredAt,
      });
    }
  });

  it('upcastAll keeps the log order, parts of a split event in place', () => {
    const upcasting = registry(splitBag);
    const events = upcasting.upcastAll([stored('test.other', 1, 1), stored('test.bag', 1, { first: 'x', second: 'y' }), stored('test.other', 1, 2)]);
    expect(events.map((event) => event.type)).toEqual(['test.other', 'test.first', 'test.second', 'test.other']);
  });

  it('does not change the stored event it was given', () => {
    const source = stored('test.renamed', 1, { a: 5 });
    registry(addB, renameA).upcast(source);
    expect(source).toEqual(stored('test.renamed', 1, { a: 5 }));
  });

  it('storedTypesOf names the older types that become the asked ones, through chains', () => {
    const upcasting = registry(splitBag, firstV2, {
      eventType: 'test.ancient',
      fromVersion: 1,
      produces: ['test.bag'],
      upcast: (event) => [{ type: 'test.bag', schemaVersion: 1, data: event.data }],
    });

    expect(upcasting.storedTypesOf(['test.first']).sort()).toEqual(['test.ancient', 'test.bag', 'test.first']);
    expect(upcasting.storedTypesOf(['test.unrelated'])).toEqual(['test.unrelated']);
  });

  it('fingerprint names the set of upcasters: a new one changes it, the order of registration does not', () => {
    const a = versionStep('test.a', 1, (data) => data);
    const b = versionStep('test.b', 1, (data) => data);
    const first = new UpcasterRegistry();
    first.register(a);
    const before = first.fingerprint();
    first.register(b);
    expect(first.fingerprint()).not.toBe(before);
    const second = new UpcasterRegistry();
    second.register(b);
    second.register(a);
    expect(second.fingerprint()).toBe(first.fingerprint());
  });

  it('refuses a second upcaster for the same type and version', () => {
    expect(() => registry(addB, versionStep('test.renamed', 1, (data) => data))).toThrow('An upcaster for test.renamed v1 is registered twice');
  });

  it('refuses an upcaster that returns a type it did not declare', () => {
    const liar: Upcaster = { eventType: 'test.liar', fromVersion: 1, produces: ['test.declared'], upcast: () => [{ type: 'test.other', schemaVersion: 1, data: {} }] };
    expect(() => registry(liar).upcast(stored('test.liar', 1, {}))).toThrow('does not declare');
  });

  it('stops upcasters that undo each other instead of looping for ever', () => {
    const there: Upcaster = { eventType: 'test.a', fromVersion: 1, produces: ['test.b'], upcast: () => [{ type: 'test.b', schemaVersion: 1, data: {} }] };
    const back: Upcaster = { eventType: 'test.b', fromVersion: 1, produces: ['test.a'], upcast: () => [{ type: 'test.a', schemaVersion: 1, data: {} }] };
    expect(() => registry(there, back).upcast(stored('test.a', 1, {}))).toThrow('does not end');
  });
});
