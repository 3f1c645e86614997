import type { AppConfig } from '../config/app-config.js';

/**
 * Named limits, as GitLab's `Gitlab::ApplicationRateLimiter` keys. Add a key here and a
 * line in RULES to limit another endpoint with `@RateLimit('<key>')`.
 */
export type RateLimitKey = 'users_get_by_id' | 'sign_up' | 'admin_sign_in';

export interface RateLimitRule {
  /** Whom a window counts: the signed-in user, or the client's IP address (anonymous endpoints). */
  per: 'user' | 'ip';
  /** Requests allowed per window for one caller; 0 disables the limit. */
  limit: number;
  intervalSeconds: number;
  /** Lower-cased usernames that are never limited. */
  allowlist: readonly string[];
}

const RULES: Record<RateLimitKey, (config: AppConfig) => RateLimitRule> = {
  users_get_by_id: (config) => ({
    per: 'user',
    limit: config.usersGetByIdLimit,
    intervalSeconds: config.usersGetByIdIntervalSeconds,
    allowlist: config.usersGetByIdLimitAllowlist,
  }),
  // Closed sign-up answers 404 without counting, so a limit never betrays the route.
  sign_up: (config) => ({ per: 'ip', limit: config.signupEnabled ? config.signupLimit : 0, intervalSeconds: config.signupIntervalSeconds, allowlist: [] }),
  // Counts refused sign-ins only (the admin area takes back the count of a successful one), so admins who sign in often are never held back.
  admin_sign_in: (config) => ({ per: 'ip', limit: config.adminSignInLimit, intervalSeconds: config.adminSignInIntervalSeconds, allowlist: [] }),
};

export function rateLimitRule(key: RateLimitKey, config: AppConfig): RateLimitRule {
  return RULES[key](config);
}

export interface RateLimitSubject {
  id: number;
  username: string;
  isAdmin: boolean;
}

/** Admins (`can_read_all_resources?`), allowlisted usernames and disabled limits are never counted. */
export function isExempt(rule: RateLimitRule, subject: RateLimitSubject): boolean {
  if (rule.limit <= 0 || subject.isAdmin) return true;
  const username = subject.username.toLowerCase();
  return rule.allowlist.some((entry) => entry.toLowerCase() === username);
}

/** The Redis key of one caller's counter for one limit: a user, or an IP address. */
export function rateLimitCounterKey(prefix: string, key: RateLimitKey, subject: RateLimitSubject | { ip: string }): string {
  return 'ip' in subject ? `${prefix}:rate-limit:${key}:ip:${subject.ip}` : `${prefix}:rate-limit:${key}:user:${subject.id}`;
}

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed window: `count` requests (this one included) since the window opened, which closes
 * in `ttlMs`. Over the limit, Retry-After is the whole seconds until the window frees (at least 1).
 */
export function judge(rule: RateLimitRule, count: number, ttlMs: number): RateLimitVerdict {
  if (count <= rule.limit) return { allowed: true };
  const remainingMs = ttlMs > 0 ? ttlMs : rule.intervalSeconds * 1000;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
}
