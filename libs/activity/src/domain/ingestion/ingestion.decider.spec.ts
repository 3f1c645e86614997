import { describe, expect, it } from '@jest/globals';
import { INGESTION_DECIDER } from './ingestion.decider.js';
import { ACTIVITY_BATCH_INGESTED, type IngestionItem } from './ingestion.events.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const counts = (id: string, userId = 2): IngestionItem => ({
  kind: 'user_counts',
  id,
  user_id: userId,
  assigned_issues: 1,
  assigned_merge_requests: 0,
  review_requested_merge_requests: 0,
  todos: 0,
  occurred_at: NOW.toISOString(),
});

describe('the ingestion decider', () => {
  it('given nothing recorded, when a batch arrives: one event with every item, numbered in order', () => {
    const events = INGESTION_DECIDER.decide(
      { source: 'svc', items: [counts('a'), counts('b')], alreadyRecorded: new Set(), numbers: [7, 8] },
      INGESTION_DECIDER.initialState,
      NOW,
    );
    expect(events).toEqual([
      { type: ACTIVITY_BATCH_INGESTED, schemaVersion: 1, data: { source: 'svc', items: [{ ...counts('a'), seq: 7 }, { ...counts('b'), seq: 8 }], duplicates: 0 } },
    ]);
    expect(INGESTION_DECIDER.evolve(INGESTION_DECIDER.initialState, events[0])).toEqual({ batches: 1, items: 2 });
  });

  it('given some items recorded before: only the others, and how many were skipped', () => {
    const [event] = INGESTION_DECIDER.decide({ source: 'svc', items: [counts('a'), counts('b'), counts('c')], alreadyRecorded: new Set(['b']), numbers: [3, 4] }, { batches: 1, items: 1 }, NOW);
    expect(event.data.items.map((item) => [item.id, item.seq])).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
    expect(event.data.duplicates).toBe(1);
  });

  it('given every item recorded before (a resend): nothing', () => {
    expect(INGESTION_DECIDER.decide({ source: 'svc', items: [counts('a')], alreadyRecorded: new Set(['a']), numbers: [] }, { batches: 1, items: 1 }, NOW)).toEqual([]);
  });

  it('refuses to number new items with too few numbers (a handler bug, not a client error)', () => {
    expect(() => INGESTION_DECIDER.decide({ source: 'svc', items: [counts('a'), counts('b')], alreadyRecorded: new Set(), numbers: [1] }, INGESTION_DECIDER.initialState, NOW)).toThrow(
      '2 new items but 1 numbers for them',
    );
  });
});
