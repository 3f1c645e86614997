import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '@app/kernel';
import { SOCIAL_AUDIT_MAPPING } from './social.audit-mapping.js';

const stored = (type: string, data: unknown): StoredEvent => ({
  type,
  schemaVersion: 1,
  data,
  globalPosition: 10,
  transactionId: '99',
  eventId: '0b4f3c1e-0000-4000-8000-000000000001',
  streamId: 'social.user-7',
  streamVersion: 2,
  metadata: { actor_id: 7, actor_username: 'jdoe', impersonator_id: null, ip: null, user_agent: null, request_id: null, correlation_id: null, causation_id: null },
  occurredAt: new Date('2026-12-05T12:00:00.000Z'),
});
const entries = (type: string, data: unknown) => SOCIAL_AUDIT_MAPPING.entriesFor(stored(type, data));
const edge = { follower_id: 7, followee_id: 9, follower_username: 'jdoe', followee_username: 'alice' };
const coffee = { emoji: 'coffee', message: 'brb', availability: 'busy', clear_status_at: '2026-12-05T12:30:00.000Z' };

describe('social audit mapping', () => {
  it('given a follow or an unfollow, then one row about the followed user saying who did it', () => {
    expect(entries('social.user_followed', { ...edge, followed_at: 'x' })).toEqual([
      { entity_id: 9, event_name: 'user_followed', target_details: 'alice', details: { custom_message: 'jdoe followed alice', follower_id: 7, followee_id: 9 } },
    ]);
    expect(entries('social.user_unfollowed', { ...edge, unfollowed_at: 'x' })[0]).toMatchObject({ entity_id: 9, event_name: 'user_unfollowed', details: { custom_message: 'jdoe unfollowed alice' } });
  });

  it('given following turned off, then the row says the follows went too', () => {
    expect(entries('social.following_preference_changed', { user_id: 7, username: 'jdoe', enabled_following: false })[0]).toMatchObject({
      entity_id: 7,
      event_name: 'user_following_preference_changed',
      details: { custom_message: 'jdoe turned following off; every follow to and from them was removed', from: true, to: false },
    });
  });

  it('given status changes, then rows name the status before and after, and why it was cleared', () => {
    expect(entries('social.user_status_set', { user_id: 7, username: 'jdoe', ...coffee, previous: null, set_at: 'x' })[0].details).toEqual({
      custom_message: 'Set the status of jdoe to :coffee: "brb" (busy, until 2026-12-05T12:30:00.000Z)',
      change: 'status',
      from: null,
      to: ':coffee: "brb" (busy, until 2026-12-05T12:30:00.000Z)',
    });
    const next = { emoji: 'palm_tree', message: null, availability: 'not_set', clear_status_at: null };
    expect(entries('social.user_status_set', { user_id: 7, username: 'jdoe', ...next, previous: coffee, set_at: 'x' })[0].details.custom_message).toBe(
      'Changed the status of jdoe from :coffee: "brb" (busy, until 2026-12-05T12:30:00.000Z) to :palm_tree:',
    );
    expect(entries('social.user_status_cleared', { user_id: 7, username: 'jdoe', previous: coffee, reason: 'expired', cleared_at: 'x' })[0]).toMatchObject({
      event_name: 'user_status_cleared',
      details: { custom_message: 'Cleared the status of jdoe (it expired): was :coffee: "brb" (busy, until 2026-12-05T12:30:00.000Z)', reason: 'expired', to: null },
    });
  });

  it('covers every event social publishes', () => {
    expect([...SOCIAL_AUDIT_MAPPING.eventTypes].sort()).toEqual(
      ['social.following_preference_changed', 'social.user_followed', 'social.user_status_cleared', 'social.user_status_set', 'social.user_unfollowed'],
    );
  });
});
