import { describe, expect, it } from '@jest/globals';
import { loadConfig, usernameListFromEnv } from '../config/app-config.js';
import { isExempt, judge, rateLimitCounterKey, rateLimitRule, type RateLimitRule } from './rate-limit.rules.js';

const rule: RateLimitRule = { per: 'user', limit: 3, intervalSeconds: 600, allowlist: ['ci-bot'] };
const regular = { id: 7, username: 'jane', isAdmin: false };

describe('rate limit rules', () => {
  it('users_get_by_id defaults to 300 per 10 minutes with no allowlist (GitLab defaults)', () => {
    expect(rateLimitRule('users_get_by_id', loadConfig({}))).toEqual({ per: 'user', limit: 300, intervalSeconds: 600, allowlist: [] });
  });

  it('reads USERS_GET_BY_ID_LIMIT, _INTERVAL_SECONDS and _LIMIT_ALLOWLIST', () => {
    const config = loadConfig({ USERS_GET_BY_ID_LIMIT: '5', USERS_GET_BY_ID_INTERVAL_SECONDS: '60', USERS_GET_BY_ID_LIMIT_ALLOWLIST: ' Bot ,, ci-bot ' });
    expect(rateLimitRule('users_get_by_id', config)).toEqual({ per: 'user', limit: 5, intervalSeconds: 60, allowlist: ['bot', 'ci-bot'] });
  });

  it('sign_up is counted per IP address: SIGNUP_LIMIT per SIGNUP_INTERVAL_SECONDS, 20 per hour by default', () => {
    expect(rateLimitRule('sign_up', loadConfig({ SIGNUP_ENABLED: 'true' }))).toEqual({ per: 'ip', limit: 20, intervalSeconds: 3600, allowlist: [] });
    expect(rateLimitRule('sign_up', loadConfig({ SIGNUP_ENABLED: 'true', SIGNUP_LIMIT: '3', SIGNUP_INTERVAL_SECONDS: '60' }))).toMatchObject({ limit: 3, intervalSeconds: 60 });
    // Closed: not counted at all.
    expect(rateLimitRule('sign_up', loadConfig({})).limit).toBe(0);
  });

  it('refuses a zero interval and a negative or non-integer limit', () => {
    expect(() => loadConfig({ USERS_GET_BY_ID_INTERVAL_SECONDS: '0' })).toThrow(/positive integer/);
    expect(() => loadConfig({ USERS_GET_BY_ID_LIMIT: '-1' })).toThrow(/non-negative integer/);
    expect(() => loadConfig({ USERS_GET_BY_ID_LIMIT: 'many' })).toThrow(/non-negative integer/);
  });

  it('splits an empty or missing allowlist into nothing', () => {
    expect(usernameListFromEnv(undefined)).toEqual([]);
    expect(usernameListFromEnv('')).toEqual([]);
    expect(usernameListFromEnv(' , ')).toEqual([]);
  });

  it('exempts admins, allowlisted usernames (any case) and disabled limits', () => {
    expect(isExempt(rule, regular)).toBe(false);
    expect(isExempt(rule, { ...regular, isAdmin: true })).toBe(true);
    expect(isExempt(rule, { ...regular, username: 'CI-Bot' })).toBe(true);
    expect(isExempt({ ...rule, allowlist: ['CI-BOT'] }, { ...regular, username: 'ci-bot' })).toBe(true);
    expect(isExempt({ ...rule, limit: 0 }, regular)).toBe(true);
  });

  it('keys counters by prefix, limit and user id, or IP address for the rules counted per IP', () => {
    expect(rateLimitCounterKey('gitlab-users', 'users_get_by_id', regular)).toBe('gitlab-users:rate-limit:users_get_by_id:user:7');
    expect(rateLimitCounterKey('gitlab-users', 'sign_up', { ip: '10.0.0.9' })).toBe('gitlab-users:rate-limit:sign_up:ip:10.0.0.9');
  });

  it('allows up to the limit, then answers with the seconds until the window frees (rounded up, at least 1)', () => {
    expect(judge(rule, 1, 600_000)).toEqual({ allowed: true });
    expect(judge(rule, 3, 1)).toEqual({ allowed: true });
    expect(judge(rule, 4, 599_001)).toEqual({ allowed: false, retryAfterSeconds: 600 });
    expect(judge(rule, 4, 1_500)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(judge(rule, 9, 10)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // A counter without an expiry (should not happen) reports the whole interval.
    expect(judge(rule, 4, -1)).toEqual({ allowed: false, retryAfterSeconds: 600 });
  });
});
