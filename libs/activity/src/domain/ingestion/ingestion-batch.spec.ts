import { describe, expect, it } from '@jest/globals';
import { ParamsInvalidError } from '@app/kernel';
import { firstUnknownUser, MAX_BATCH_ITEMS, parseIngestionBatch, usersNamedBy } from './ingestion-batch.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const membership = { id: 'm1', kind: 'membership', user_id: 2, source_type: 'Project', source_id: 9, source_name: 'Nine', access_level: 30 };
const contribution = { id: 7, kind: 'contribution', author_id: 3, action: 'created', target_type: 'Issue', target_id: 4, created_at: '2026-11-01T10:00:00+02:00' };

/** The 400's message for a body, or null when it parses. */
function problem(body: unknown): string | null {
  try {
    parseIngestionBatch(body, NOW);
    return null;
  } catch (error) {
    if (!(error instanceof ParamsInvalidError)) throw error;
    return error.message;
  }
}

describe('reading an ingestion batch', () => {
  it('reads each kind, filling defaults: ids as text, times normalised, occurred_at from now, visibility private', () => {
    const batch = parseIngestionBatch({ source: 'projects-svc', items: [membership, contribution] }, NOW);
    expect(batch.source).toBe('projects-svc');
    expect(batch.items[0]).toEqual({ ...membership, requested: false, removed: false, occurred_at: NOW.toISOString() });
    expect(batch.items[1]).toMatchObject({ id: '7', project_visibility: 'private', created_at: '2026-11-01T08:00:00.000Z', push_data: null, note: null });
  });

  it.each([
    [null, 'source is missing'],
    [{ items: [membership] }, 'source is missing'],
    [{ source: 'bad source', items: [membership] }, 'source is invalid'],
    [{ source: 'a'.repeat(101), items: [membership] }, 'source is too long (maximum is 100 characters)'],
    [{ source: 's' }, 'items is missing'],
    [{ source: 's', items: {} }, 'items is invalid'],
    [{ source: 's', items: [] }, 'items is empty'],
    [{ source: 's', items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => ({ ...membership, id: i })) }, 'items has too many entries (maximum is 1000)'],
    [{ source: 's', items: [membership, 'x'] }, 'items[1] is invalid'],
    [{ source: 's', items: [{ ...membership, id: undefined }] }, 'items[0][id] is missing'],
    [{ source: 's', items: [{ ...membership, id: 'x'.repeat(256) }] }, 'items[0][id] is too long (maximum is 255 characters)'],
    [{ source: 's', items: [membership, { ...contribution, id: 'm1' }] }, 'items[1][id] repeats items[0][id]'],
    [{ source: 's', items: [{ ...membership, kind: 'project' }] }, 'items[0][kind] does not have a valid value'],
    [{ source: 's', items: [{ ...membership, user_id: '2' }] }, 'items[0][user_id] is invalid'],
    [{ source: 's', items: [{ ...membership, user_id: 0 }] }, 'items[0][user_id] is invalid'],
    [{ source: 's', items: [{ ...membership, source_type: 'Group' }] }, 'items[0][source_type] does not have a valid value'],
    [{ source: 's', items: [{ ...membership, access_level: 25 }] }, 'items[0][access_level] does not have a valid value'],
    [{ source: 's', items: [{ ...membership, source_name: 'n'.repeat(256) }] }, 'items[0][source_name] is too long (maximum is 255 characters)'],
    [{ source: 's', items: [{ ...contribution, action: 'eaten' }] }, 'items[0][action] does not have a valid value'],
    [{ source: 's', items: [{ ...contribution, created_at: '2026-11-01 10:00' }] }, 'items[0][created_at] is invalid'],
    [{ source: 's', items: [{ ...contribution, action: 'pushed' }] }, 'items[0][push_data] is missing'],
    [{ source: 's', items: [{ ...contribution, action: 'pushed', push_data: { commit_count: 1, action: 'pushed', ref_type: 'commit' } }] }, 'items[0][push_data][ref_type] does not have a valid value'],
    [{ source: 's', items: [{ id: 1, kind: 'user_counts', user_id: 2, assigned_issues: 1, assigned_merge_requests: 1, review_requested_merge_requests: 0, todos: -1 }] }, 'items[0][todos] is invalid'],
  ])('refuses %j: %s', (body, expected) => {
    expect(problem(body)).toBe(expected);
  });

  it('a removal needs only the membership key', () => {
    const [item] = parseIngestionBatch({ source: 's', items: [{ id: 'r', kind: 'membership', user_id: 2, source_type: 'Namespace', source_id: 1, removed: true }] }, NOW).items;
    expect(item).toMatchObject({ removed: true, source_name: null, access_level: null });
  });

  it('names the users a batch refers to, and the first item whose user does not exist', () => {
    const { items } = parseIngestionBatch({ source: 's', items: [membership, contribution, { ...membership, id: 'm2', source_id: 10 }] }, NOW);
    expect(usersNamedBy(items)).toEqual([2, 3]);
    expect(firstUnknownUser(items, new Set([2, 3]))).toBeNull();
    expect(firstUnknownUser(items, new Set([2]))).toBe('items[1][author_id] is not a user of this service');
  });
});
