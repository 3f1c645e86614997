import { describe, expect, it } from '@jest/globals';
import { FolloweeLimitError, UserStatusInvalidError } from './social.errors.js';
import { SOCIAL_USER_DECIDER, type SocialCommand, type SocialEvent, type SocialUserState } from './social-user.decider.js';
import type { UserStatusValue } from './status/user-status.events.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const ME = { id: 7, username: 'jdoe' };
const THEM = { id: 9, username: 'alice' };
const KNOWN = new Set(['coffee', 'speech_balloon', 'palm_tree']);
const fresh: SocialUserState = SOCIAL_USER_DECIDER.initialState;
const withStatus = (status: UserStatusValue): SocialUserState => ({ ...fresh, status });
const COFFEE: UserStatusValue = { emoji: 'coffee', message: 'brb', availability: 'busy', clear_status_at: '2026-12-05T12:30:00.000Z' };

/** Given a state, when a command is decided: the events, and the state they lead to. */
function when(given: SocialUserState, command: SocialCommand): { events: SocialEvent[]; then: SocialUserState } {
  const events = SOCIAL_USER_DECIDER.decide(command, given, NOW);
  return { events, then: events.reduce(SOCIAL_USER_DECIDER.evolve, given) };
}

const follow = (overrides: Partial<Extract<SocialCommand, { kind: 'follow' }>> = {}): SocialCommand => ({
  kind: 'follow',
  follower: ME,
  followee: THEM,
  followeeEnabled: true,
  alreadyFollowing: false,
  followeeCount: 0,
  ...overrides,
});
const setStatus = (mode: 'put' | 'patch', fields: Extract<SocialCommand, { kind: 'set_status' }>['fields']): SocialCommand => ({
  kind: 'set_status',
  user: ME,
  mode,
  fields,
  isKnownEmoji: (name) => KNOWN.has(name),
  timeScale: 1,
});

describe('social decider: follow and unfollow', () => {
  it('a follow of someone new records one edge event naming both ends', () => {
    expect(when(fresh, follow()).events).toEqual([
      {
        type: 'social.user_followed',
        schemaVersion: 1,
        data: { follower_id: 7, followee_id: 9, follower_username: 'jdoe', followee_username: 'alice', followed_at: NOW.toISOString() },
      },
    ]);
  });

  it.each([
    ['yourself', follow({ followee: ME })],
    ['a user who turned following off', follow({ followeeEnabled: false })],
    ['someone already followed', follow({ alreadyFollowing: true })],
  ])('following %s changes nothing (GitLab answers 304)', (_case, command) => {
    expect(when(fresh, command).events).toEqual([]);
  });

  it('a follower who turned following off cannot follow', () => {
    expect(when({ ...fresh, enabledFollowing: false }, follow()).events).toEqual([]);
  });

  it('at 300 followees the limit refuses, before the already-followed rule; at 299 a follow goes through', () => {
    expect(() => when(fresh, follow({ followeeCount: 300 }))).toThrow(FolloweeLimitError);
    expect(() => when(fresh, follow({ followeeCount: 300, alreadyFollowing: true }))).toThrow(
      "You can't follow more than 300 users. To follow more users, unfollow some others.",
    );
    expect(when(fresh, follow({ followeeCount: 299 })).events).toHaveLength(1);
  });

  it('an unfollow removes an edge that exists, and does nothing otherwise', () => {
    expect(when(fresh, { kind: 'unfollow', follower: ME, followee: THEM, following: true }).events.map((event) => event.type)).toEqual(['social.user_unfollowed']);
    expect(when(fresh, { kind: 'unfollow', follower: ME, followee: THEM, following: false }).events).toEqual([]);
  });

  it('the following preference changes once per change of value', () => {
    const off = when(fresh, { kind: 'set_following_preference', user: ME, enabled: false });
    expect(off.events.map((event) => event.data)).toEqual([{ user_id: 7, username: 'jdoe', enabled_following: false }]);
    expect(off.then.enabledFollowing).toBe(false);
    expect(when(off.then, { kind: 'set_following_preference', user: ME, enabled: false }).events).toEqual([]);
  });
});

describe('social decider: status', () => {
  it('PUT sets every field, defaulting the emoji and an unknown availability, and computes clear_status_at', () => {
    const { events, then } = when(fresh, setStatus('put', { message: 'lunch', availability: 'away', clear_status_after: '30_minutes' }));
    expect(then.status).toEqual({ emoji: 'speech_balloon', message: 'lunch', availability: 'not_set', clear_status_at: '2026-12-05T12:30:00.000Z' });
    expect(events[0].data).toMatchObject({ user_id: 7, previous: null, set_at: NOW.toISOString() });
  });

  it('PUT replaces: a field not sent is cleared (clear_status_at too)', () => {
    expect(when(withStatus(COFFEE), setStatus('put', { message: 'back' })).then.status).toEqual({
      emoji: 'speech_balloon',
      message: 'back',
      availability: 'not_set',
      clear_status_at: null,
    });
  });

  it('PATCH changes only the fields sent; an explicit null clears that field', () => {
    expect(when(withStatus(COFFEE), setStatus('patch', { message: 'still out' })).then.status).toEqual({ ...COFFEE, message: 'still out' });
    expect(when(withStatus(COFFEE), setStatus('patch', { clear_status_after: null })).then.status).toEqual({ ...COFFEE, clear_status_at: null });
  });

  it('blank emoji, message and availability remove the status (recording the one removed); with none there is nothing to do', () => {
    const cleared = when(withStatus(COFFEE), setStatus('put', {}));
    expect(cleared.then.status).toBeNull();
    expect(cleared.events[0]).toMatchObject({ type: 'social.user_status_cleared', data: { previous: COFFEE, reason: 'user' } });
    expect(when(withStatus(COFFEE), setStatus('patch', { emoji: ' ', message: '', availability: 'not_set' })).then.status).toBeNull();
    expect(when(fresh, setStatus('put', {})).events).toEqual([]);
  });

  it('an unknown emoji and a message over 100 characters are refused together; 100 emoji characters are 100, not 200', () => {
    let error: unknown;
    try {
      when(fresh, setStatus('put', { emoji: 'nope', message: 'x'.repeat(101) }));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UserStatusInvalidError);
    expect((error as UserStatusInvalidError).errors).toEqual({ emoji: ['is not a valid emoji name'], message: ['is too long (maximum is 100 characters)'] });
    expect(when(fresh, setStatus('put', { message: '☕'.repeat(100) })).events).toHaveLength(1);
  });

  it('a change after the expiry starts from no status: PATCH does not revive the expired fields, and an empty PUT has nothing to clear', () => {
    const expired = withStatus({ ...COFFEE, clear_status_at: '2026-12-05T11:59:00.000Z' });
    const patched = when(expired, setStatus('patch', { message: 'back' }));
    expect(patched.then.status).toEqual({ emoji: 'speech_balloon', message: 'back', availability: 'not_set', clear_status_at: null });
    expect(patched.events[0].data).toMatchObject({ previous: null });
    expect(when(expired, setStatus('put', {})).events).toEqual([]);
  });

  it('setting the same status again records nothing', () => {
    expect(when(withStatus(COFFEE), setStatus('patch', { emoji: 'coffee' })).events).toEqual([]);
  });

  it('the time scale shortens clear_status_after (tests use it)', () => {
    const scaled: SocialCommand = { ...(setStatus('put', { emoji: 'coffee', clear_status_after: '30_minutes' }) as Extract<SocialCommand, { kind: 'set_status' }>), timeScale: 1800 };
    expect(when(fresh, scaled).then.status?.clear_status_at).toBe('2026-12-05T12:00:01.000Z');
  });
});

describe('social decider: expiry', () => {
  const due = { ...COFFEE, clear_status_at: '2026-12-05T11:59:59.000Z' };
  const expire = (clearStatusAt: string): SocialCommand => ({ kind: 'clear_expired_status', user: ME, clearStatusAt });

  it('clears the status it was scheduled for, once due', () => {
    const { events, then } = when(withStatus(due), expire(due.clear_status_at));
    expect(events[0]).toMatchObject({ type: 'social.user_status_cleared', data: { reason: 'expired', previous: due } });
    expect(then.status).toBeNull();
  });

  it('is a no-op for a newer status, no status, or one not due yet', () => {
    expect(when(withStatus({ ...due, clear_status_at: '2026-12-06T00:00:00.000Z' }), expire(due.clear_status_at)).events).toEqual([]);
    expect(when(withStatus({ ...due, clear_status_at: null }), expire(due.clear_status_at)).events).toEqual([]);
    expect(when(fresh, expire(due.clear_status_at)).events).toEqual([]);
    expect(when(withStatus(COFFEE), expire(COFFEE.clear_status_at!)).events).toEqual([]);
  });
});
