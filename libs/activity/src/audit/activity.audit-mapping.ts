import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import { ACTIVITY_BATCH_INGESTED, type BatchIngestedData, type IngestionItem } from '../domain/ingestion/ingestion.events.js';

const KIND_WORDS: Readonly<Record<IngestionItem['kind'], [string, string]>> = {
  membership: ['membership', 'memberships'],
  contribution: ['contribution event', 'contribution events'],
  user_counts: ['counter report', 'counter reports'],
};

/** `3 memberships, 1 contribution event`: what a batch held, by kind. */
function describeItems(items: readonly IngestionItem[]): string {
  const counts = new Map<IngestionItem['kind'], number>();
  for (const item of items) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${KIND_WORDS[kind][n === 1 ? 0 : 1]}`).join(', ');
}

/**
 * One row per recorded batch, about the admin who sent it (the author, from the metadata, is the
 * same user): which system sent it, how much it held, and how many items were resends.
 */
function activityAuditEntries(event: StoredEvent): AuditEntry[] {
  if (event.type !== ACTIVITY_BATCH_INGESTED) return [];
  const data = event.data as BatchIngestedData;
  const sender = event.metadata.actor_username ?? 'an unknown sender';
  const duplicates = data.duplicates > 0 ? ` (${data.duplicates} already recorded, skipped)` : '';
  return [
    {
      entity_id: event.metadata.actor_id ?? 0,
      event_name: 'activity_batch_ingested',
      target_details: `source ${data.source}`,
      details: {
        custom_message: `${sender} recorded ${describeItems(data.items)} from source ${data.source}${duplicates}`,
        source: data.source,
        recorded: data.items.length,
        duplicates: data.duplicates,
        memberships: data.items.filter((item) => item.kind === 'membership').length,
        contributions: data.items.filter((item) => item.kind === 'contribution').length,
        user_counts: data.items.filter((item) => item.kind === 'user_counts').length,
      },
    },
  ];
}

export const ACTIVITY_AUDIT_MAPPING: AuditMapping = {
  context: 'activity',
  eventTypes: [ACTIVITY_BATCH_INGESTED],
  entriesFor: activityAuditEntries,
};
