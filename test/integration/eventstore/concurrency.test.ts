import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConcurrencyConflictError, EventStore, type EventMetadata, type NewEvent } from '../../../libs/eventstore/src/index.js';
import { SYSTEM_METADATA } from '../../../libs/shared/src/index.js';
import { startTestApp, type TestContext } from '../../support/test-app.js';

/** No projection handles this type, so only the event store itself is exercised. */
const TEST_EVENT = 'test.thing_happened';
const WRITERS = 20;
const metadata: EventMetadata = SYSTEM_METADATA;

function thing(writer: number): NewEvent {
  return { type: TEST_EVENT, schemaVersion: 1, data: { writer } };
}

describe('event store: optimistic concurrency under concurrent appends', () => {
  let ctx: TestContext;
  let store: EventStore;

  beforeAll(async () => {
    ctx = await startTestApp('es_concurrency');
    store = ctx.api.get(EventStore);
  });
  afterAll(async () => ctx?.close());

  async function eventsIn(streamId: string): Promise<{ stream_version: string; data: { writer: number } }[]> {
    return ctx.db.query('SELECT stream_version, data FROM es_events WHERE stream_id = $1 ORDER BY stream_version', [streamId]);
  }

  async function streamVersion(streamId: string): Promise<number | null> {
    const rows = await ctx.db.query<{ version: string }>('SELECT version FROM es_streams WHERE stream_id = $1', [streamId]);
    return rows.length ? Number(rows[0].version) : null;
  }

  /** Splits settled results into the winners' writer numbers and the losers' errors. */
  function partition(results: PromiseSettledResult<unknown>[]): { winners: number[]; errors: unknown[] } {
    const winners: number[] = [];
    const errors: unknown[] = [];
    results.forEach((result, writer) => (result.status === 'fulfilled' ? winners.push(writer) : errors.push(result.reason)));
    return { winners, errors };
  }

  it(`lets exactly one of ${WRITERS} appends with the same expected version win`, async () => {
    const streamId = `test.thing-${randomUUID()}`;
    await store.append(streamId, [thing(-1), thing(-2), thing(-3)], { expectedVersion: 'no_stream', metadata });
    expect(await streamVersion(streamId)).toBe(3);

    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, writer) => store.append(streamId, [thing(writer)], { expectedVersion: 3, metadata })),
    );

    const { winners, errors } = partition(results);
    expect(winners).toHaveLength(1);
    expect(errors).toHaveLength(WRITERS - 1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConcurrencyConflictError);
      expect((error as ConcurrencyConflictError).code).toBe('eventstore.concurrency_conflict');
    }
    const winner = results[winners[0]] as PromiseFulfilledResult<Awaited<ReturnType<EventStore['append']>>>;
    expect(winner.value.nextVersion).toBe(4);
    expect(winner.value.events.map((event) => event.streamVersion)).toEqual([4]);

    expect(await streamVersion(streamId)).toBe(4);
    const rows = await eventsIn(streamId);
    expect(rows.map((row) => Number(row.stream_version))).toEqual([1, 2, 3, 4]);
    // The one new row is the winner's, not some loser's.
    expect(rows[3].data).toEqual({ writer: winners[0] });
    expect((await store.readStream(streamId)).version).toBe(4);
  });

  it(`lets exactly one of ${WRITERS} concurrent 'no_stream' appends create a new stream`, async () => {
    const streamId = `test.thing-${randomUUID()}`;
    expect(await streamVersion(streamId)).toBeNull();

    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, writer) => store.append(streamId, [thing(writer), thing(writer)], { expectedVersion: 'no_stream', metadata })),
    );

    const { winners, errors } = partition(results);
    expect(winners).toHaveLength(1);
    expect(errors).toHaveLength(WRITERS - 1);
    for (const error of errors) expect(error).toBeInstanceOf(ConcurrencyConflictError);

    expect(await streamVersion(streamId)).toBe(2);
    const rows = await eventsIn(streamId);
    expect(rows.map((row) => Number(row.stream_version))).toEqual([1, 2]);
    expect(rows.map((row) => row.data.writer)).toEqual([winners[0], winners[0]]);
  });

  it('rolls back a losing transaction entirely, including its other appends', async () => {
    const contested = `test.thing-${randomUUID()}`;
    await store.append(contested, [thing(-1)], { expectedVersion: 'no_stream', metadata });
    const sideStreams = Array.from({ length: WRITERS }, () => `test.side-${randomUUID()}`);

    const results = await Promise.allSettled(
      sideStreams.map((side, writer) =>
        store.transaction(async (tx) => {
          await tx.append(side, [thing(writer)], { expectedVersion: 'no_stream', metadata });
          await tx.append(contested, [thing(writer)], { expectedVersion: 1, metadata });
        }),
      ),
    );

    const { winners, errors } = partition(results);
    expect(winners).toHaveLength(1);
    for (const error of errors) expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect(await streamVersion(contested)).toBe(2);
    const existing = await ctx.db.query<{ stream_id: string }>('SELECT stream_id FROM es_streams WHERE stream_id = ANY($1)', [sideStreams]);
    expect(existing.map((row) => row.stream_id)).toEqual([sideStreams[winners[0]]]);
    const sideEvents = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM es_events WHERE stream_id = ANY($1)', [sideStreams]);
    expect(Number(sideEvents[0].n)).toBe(1);
  });

  it("never conflicts on expectedVersion 'any': all concurrent appends land with distinct versions", async () => {
    const streamId = `test.thing-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, writer) => store.append(streamId, [thing(writer)], { expectedVersion: 'any', metadata })),
    );
    expect(results.map((result) => result.nextVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS }, (_, i) => i + 1));
    const rows = await eventsIn(streamId);
    expect(rows.map((row) => Number(row.stream_version))).toEqual(Array.from({ length: WRITERS }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.data.writer)).size).toBe(WRITERS);
    expect(await streamVersion(streamId)).toBe(WRITERS);
  });
});
