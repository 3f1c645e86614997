import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStore, type EventMetadata } from '../../../libs/eventstore/src/index.js';
import { SYSTEM_METADATA } from '../../../libs/shared/src/index.js';
import { startTestApp, type TestContext } from '../../support/test-app.js';

const metadata: EventMetadata = SYSTEM_METADATA;

interface EventSnapshot {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
}

describe('event store: es_events is append-only', () => {
  let ctx: TestContext;
  let streamId: string;
  let before: EventSnapshot[];

  beforeAll(async () => {
    ctx = await startTestApp('es_append_only');
    streamId = `test.thing-${randomUUID()}`;
    await ctx.api.get(EventStore).append(
      streamId,
      [
        { type: 'test.thing_happened', schemaVersion: 1, data: { n: 1 } },
        { type: 'test.thing_happened', schemaVersion: 1, data: { n: 2 } },
      ],
      { expectedVersion: 'no_stream', metadata },
    );
    before = await snapshot();
    // Root's bootstrap events plus ours: there is something to change.
    expect(before.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => ctx?.close());

  function snapshot(): Promise<EventSnapshot[]> {
    return ctx.db.query<EventSnapshot>(
      'SELECT global_position, event_id, stream_id, stream_version, event_type, data, metadata FROM es_events ORDER BY global_position',
    );
  }

  async function expectRefused(sql: string, params: unknown[], operation: string): Promise<void> {
    const failure = await ctx.db.query(sql, params).then(
      () => null,
      (error: unknown) => error as Error & { code?: string; hint?: string },
    );
    expect(failure).not.toBeNull();
    expect(failure!.message).toMatch(/append-only/);
    expect(failure!.message).toContain(operation);
    expect(failure!.code).toBe('42501'); // insufficient_privilege, raised by the trigger
    expect(failure!.hint).toMatch(/Append a new event/);
    expect(await snapshot()).toEqual(before);
  }

  it('refuses UPDATE of one event', async () => {
    await expectRefused(`UPDATE es_events SET data = '{"n": 99}'::jsonb WHERE stream_id = $1 AND stream_version = 1`, [streamId], 'UPDATE');
  });

  it('refuses UPDATE of every event', async () => {
    await expectRefused("UPDATE es_events SET event_type = event_type || '.x'", [], 'UPDATE');
  });

  it('refuses DELETE of one event', async () => {
    await expectRefused('DELETE FROM es_events WHERE stream_id = $1 AND stream_version = 2', [streamId], 'DELETE');
  });

  it('refuses DELETE of every event', async () => {
    await expectRefused('DELETE FROM es_events', [], 'DELETE');
  });

  it('refuses TRUNCATE', async () => {
    await expectRefused('TRUNCATE es_events', [], 'TRUNCATE');
  });

  it('refuses TRUNCATE reaching es_events through CASCADE from es_streams', async () => {
    await expectRefused('TRUNCATE es_streams CASCADE', [], 'TRUNCATE');
  });

  it('refuses the change inside a transaction too, and the transaction rolls back', async () => {
    const otherStream = `test.thing-${randomUUID()}`;
    const failure = await ctx.db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, 'test.thing', 1)`, [otherStream]);
        await tx.query('DELETE FROM es_events WHERE stream_id = $1', [streamId]);
      })
      .then(
        () => null,
        (error: unknown) => error as Error,
      );
    expect(failure?.message).toMatch(/append-only: DELETE/);
    expect(await snapshot()).toEqual(before);
    expect(await ctx.db.query('SELECT 1 FROM es_streams WHERE stream_id = $1', [otherStream])).toEqual([]);
  });

  it('still accepts appends', async () => {
    await ctx.api.get(EventStore).append(streamId, [{ type: 'test.thing_happened', schemaVersion: 1, data: { n: 3 } }], { expectedVersion: 2, metadata });
    const after = await snapshot();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(after[after.length - 1]).toMatchObject({ stream_id: streamId, stream_version: '3', data: { n: 3 } });
  });
});
