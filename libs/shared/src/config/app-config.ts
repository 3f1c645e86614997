import { parseSshKeyRestrictions, type SshKeyRestrictions } from '@app/kernel';
import { trustedProxiesFromEnv } from './trusted-proxies.js';
export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  port: number;
  externalUrl: string;
  rootPersonalAccessToken: string | undefined;
  logLevel: string;
  /** BullMQ key prefix; tests give each run its own so queues never cross. */
  queuePrefix: string;
  /** How long an authenticated token may stay cached in this process (invalidated on change). 0 disables the cache. */
  authCacheTtlMs: number;
  /** Maximum request body size accepted on writes (bytes). */
  bodyLimitBytes: number;
  relayPollIntervalMs: number;
  /** How often the audit reconciliation job looks for events whose audit job was lost. */
  auditReconcileIntervalMs: number;
  /** Events younger than this are left to their own audit job by the reconciliation. */
  auditReconcileGraceSeconds: number;
  shutdownTimeoutMs: number;
  /** GET /users/:id: requests each non-admin user may make per interval (GitLab's `users_get_by_id_limit`); 0 disables. */
  usersGetByIdLimit: number;
  /** Length of that window in seconds (GitLab: 10 minutes). */
  usersGetByIdIntervalSeconds: number;
  /** Usernames exempt from that limit, lower-cased (`users_get_by_id_limit_allowlist`). */
  usersGetByIdLimitAllowlist: string[];
  /** `deactivate` needs a user inactive for this many days (GitLab's `deactivate_dormant_users_period`, at least 90). */
  deactivateDormantUsersPeriodDays: number;
  /** `POST /users/sign_up` is open (off by default). */
  signupEnabled: boolean;
  /** New sign-ups wait in `blocked_pending_approval` until an admin approves them. */
  requireAdminApprovalAfterUserSignup: boolean;
  /** Sign-ups each IP address may make per interval (counted in Redis); 0 disables the limit. */
  signupLimit: number;
  signupIntervalSeconds: number;
  /** Which SSH key types are allowed, and their smallest size (`SSH_KEY_RESTRICTIONS`, e.g. `rsa=2048,dsa=-1`). */
  sshKeyRestrictions: SshKeyRestrictions;
  /** Where mail goes (`SMTP_URL`, e.g. `smtp://user:pass@mail.example.org:587`); unset, mail is written to the log with its secrets withheld. */
  smtpUrl: string | undefined;
  /** The sender of the service's mail (`MAIL_FROM`). */
  mailFrom: string;
  /** How often the status-expiry sweep clears statuses whose own expiry job was lost. */
  statusExpirySweepIntervalMs: number;
  /** How often the worker recomputes the daily and monthly active-user figures (ACTIVE_USERS_ROLLUP_INTERVAL_MS). */
  activeUsersRollupIntervalMs: number;
  /** How often the worker verifies the log's two hash chains (AUDIT_VERIFY_INTERVAL_MS). */
  auditVerifyIntervalMs: number;
  /** Where the worker serves `/-/metrics` (WORKER_METRICS_PORT, 0: not at all; WORKER_METRICS_HOST). */
  workerMetricsPort: number;
  workerMetricsHost: string;
  /** `clear_status_after` lengths are divided by this (1 in production; tests and demos shorten them). */
  statusExpiryTimeScale: number;
  /** How long an admin browser session lasts after sign-in, whatever its use (ADMIN_SESSION_TTL_SECONDS, 8 hours by default). */
  adminSessionTtlSeconds: number;
  /** Failed admin sign-ins one IP address may make per window before the form refuses it (ADMIN_SIGN_IN_LIMIT, 0: no limit). */
  adminSignInLimit: number;
  /** That window, in seconds (ADMIN_SIGN_IN_INTERVAL_SECONDS). */
  adminSignInIntervalSeconds: number;
  /** Audit CSV exports one API process runs at once (AUDIT_EXPORT_CONCURRENCY): each holds a database connection while it streams. */
  auditExportConcurrency: number;
  /** Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (TRUSTED_PROXIES); empty: none. */
  trustedProxies: string[];
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

function booleanFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new Error(`Environment variable ${name} must be true or false, got "${raw}"`);
}

function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = intFromEnv(env, name, fallback);
  if (value === 0) throw new Error(`Environment variable ${name} must be a positive integer, got "0"`);
  return value;
}

/** A comma-separated list of usernames, trimmed and lower-cased; empty entries dropped. */
export function usernameListFromEnv(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

/** GitLab refuses a period under 90 days; so does this service, at start. */
function dormancyDaysFromEnv(env: NodeJS.ProcessEnv): number {
  const days = intFromEnv(env, 'DEACTIVATE_DORMANT_USERS_PERIOD_DAYS', 90);
  if (days < 90) throw new Error(`Environment variable DEACTIVATE_DORMANT_USERS_PERIOD_DAYS must be at least 90 (GitLab's minimum), got "${days}"`);
  return days;
}

/** A setting in the environment that cannot be used: the operator fixes it; retrying cannot help. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What a process that failed to start should tell the operator to do, after the error itself. */
export function startupAdvice(error: unknown, otherwise: string): string {
  return error instanceof ConfigError ? 'Fix that environment variable and start again.' : otherwise;
}

/** EXTERNAL_URL: links, cookies and origin checks are built on it, so it must be an absolute http(s) URL. */
function externalUrlFromEnv(env: NodeJS.ProcessEnv, port: number): string {
  const raw = env.EXTERNAL_URL || `http://localhost:${port}`;
  const valid = URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol);
  if (!valid) throw new Error(`Environment variable EXTERNAL_URL must be an absolute http:// or https:// URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return readConfig(env);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

function readConfig(env: NodeJS.ProcessEnv): AppConfig {
  const port = intFromEnv(env, 'PORT', 3000);
  const externalUrl = externalUrlFromEnv(env, port);
  return {
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gitlab_users',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    port,
    externalUrl,
    rootPersonalAccessToken: env.ROOT_PERSONAL_ACCESS_TOKEN || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    queuePrefix: env.QUEUE_PREFIX || 'gitlab-users',
    authCacheTtlMs: intFromEnv(env, 'AUTH_CACHE_TTL_MS', 30_000),
    bodyLimitBytes: intFromEnv(env, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024),
    relayPollIntervalMs: intFromEnv(env, 'RELAY_POLL_INTERVAL_MS', 500),
    auditReconcileIntervalMs: positiveIntFromEnv(env, 'AUDIT_RECONCILE_INTERVAL_MS', 10 * 60_000),
    auditReconcileGraceSeconds: intFromEnv(env, 'AUDIT_RECONCILE_GRACE_SECONDS', 60),
    statusExpirySweepIntervalMs: positiveIntFromEnv(env, 'STATUS_EXPIRY_SWEEP_INTERVAL_MS', 60_000),
    activeUsersRollupIntervalMs: positiveIntFromEnv(env, 'ACTIVE_USERS_ROLLUP_INTERVAL_MS', 3_600_000),
    auditVerifyIntervalMs: positiveIntFromEnv(env, 'AUDIT_VERIFY_INTERVAL_MS', 86_400_000),
    workerMetricsPort: intFromEnv(env, 'WORKER_METRICS_PORT', 9464),
    workerMetricsHost: env.WORKER_METRICS_HOST || '0.0.0.0',
    statusExpiryTimeScale: positiveIntFromEnv(env, 'STATUS_EXPIRY_TIME_SCALE', 1),
    adminSessionTtlSeconds: positiveIntFromEnv(env, 'ADMIN_SESSION_TTL_SECONDS', 8 * 3600),
    auditExportConcurrency: positiveIntFromEnv(env, 'AUDIT_EXPORT_CONCURRENCY', 2),
    adminSignInLimit: intFromEnv(env, 'ADMIN_SIGN_IN_LIMIT', 10),
    adminSignInIntervalSeconds: positiveIntFromEnv(env, 'ADMIN_SIGN_IN_INTERVAL_SECONDS', 600),
    trustedProxies: trustedProxiesFromEnv(env.TRUSTED_PROXIES),
    shutdownTimeoutMs: intFromEnv(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
    usersGetByIdLimit: intFromEnv(env, 'USERS_GET_BY_ID_LIMIT', 300),
    usersGetByIdIntervalSeconds: positiveIntFromEnv(env, 'USERS_GET_BY_ID_INTERVAL_SECONDS', 600),
    usersGetByIdLimitAllowlist: usernameListFromEnv(env.USERS_GET_BY_ID_LIMIT_ALLOWLIST),
    deactivateDormantUsersPeriodDays: dormancyDaysFromEnv(env),
    signupEnabled: booleanFromEnv(env, 'SIGNUP_ENABLED', false),
    requireAdminApprovalAfterUserSignup: booleanFromEnv(env, 'REQUIRE_ADMIN_APPROVAL_AFTER_USER_SIGNUP', false),
    signupLimit: intFromEnv(env, 'SIGNUP_LIMIT', 20),
    signupIntervalSeconds: positiveIntFromEnv(env, 'SIGNUP_INTERVAL_SECONDS', 3600),
    sshKeyRestrictions: parseSshKeyRestrictions(env.SSH_KEY_RESTRICTIONS),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || `GitLab <gitlab@${new URL(externalUrl).hostname}>`,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
