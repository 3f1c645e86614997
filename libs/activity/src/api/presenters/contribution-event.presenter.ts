import { actionName, NOTE_TARGET_TYPES } from '../../domain/ingestion/contribution-vocabulary.js';
import type { ContributionEventRow } from '../../infrastructure/contribution-event.types.js';

/** GitLab's `Event` entity: `note` for a comment, `push_data` for a push, `wiki_page` for a wiki event, each only then. */
export function presentContributionEvent(row: ContributionEventRow, author: Record<string, unknown> | null): Record<string, unknown> {
  const entity: Record<string, unknown> = {
    id: row.id,
    project_id: row.project_id,
    action_name: actionName(row.action, row.target_type, (row.push_data?.action as string | undefined) ?? null),
    target_id: row.target_id,
    target_iid: row.target_iid,
    target_type: row.target_type,
    author_id: row.author_id,
    target_title: row.target_title,
    created_at: row.created_at.toISOString(),
  };
  if (row.note && row.target_type !== null && NOTE_TARGET_TYPES.includes(row.target_type)) entity.note = row.note;
  if (author) entity.author = author;
  if (row.wiki_page && row.target_type === 'WikiPage::Meta') entity.wiki_page = row.wiki_page;
  if (row.action === 'pushed' && row.push_data) entity.push_data = presentPushData(row.push_data);
  entity.author_username = author ? author.username : null;
  return entity;
}

/** GitLab's `PushEventPayload` keys in its order (the stored jsonb keeps its own). */
function presentPushData(data: Record<string, unknown>): Record<string, unknown> {
  const keys = ['commit_count', 'action', 'ref_type', 'commit_from', 'commit_to', 'ref', 'commit_title', 'ref_count'];
  return Object.fromEntries(keys.map((key) => [key, data[key] ?? null]));
}
