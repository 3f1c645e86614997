import type { Decider } from '@app/kernel';
import { ACTIVITY_BATCH_INGESTED, type IngestionEvent, type IngestionItem, type RecordedItem } from './ingestion.events.js';

/**
 * Record a batch from `source`. `alreadyRecorded` (the item ids this source sent before) and
 * `numbers` (fresh numbers for the new items) are read by the handler after the stream was
 * loaded: every batch of a source appends to that source's stream, so two batches racing are
 * decided one after the other and a resent item is recorded once.
 */
export interface IngestBatch {
  source: string;
  items: IngestionItem[];
  alreadyRecorded: ReadonlySet<string>;
  numbers: readonly number[];
}

/** A source's stream knows only how much it has recorded; the items live in the read models. */
export interface SourceState {
  batches: number;
  items: number;
}

export const INGESTION_DECIDER: Decider<IngestBatch, SourceState, IngestionEvent> = {
  initialState: { batches: 0, items: 0 },
  evolve: (state, event) => ({ batches: state.batches + 1, items: state.items + event.data.items.length }),
  decide: (command) => {
    const fresh = command.items.filter((item) => !command.alreadyRecorded.has(item.id));
    if (fresh.length === 0) return [];
    if (command.numbers.length < fresh.length) throw new Error(`${fresh.length} new items but ${command.numbers.length} numbers for them`);
    const items: RecordedItem[] = fresh.map((item, index) => ({ ...item, seq: command.numbers[index] }));
    return [{ type: ACTIVITY_BATCH_INGESTED, schemaVersion: 1, data: { source: command.source, items, duplicates: command.items.length - fresh.length } }];
  },
  snapshot: { name: 'activity.source', version: 1 },
};
