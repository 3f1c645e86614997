import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { RootBootstrap } from '../../apps/api/src/root-bootstrap.js';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { WorkerHost } from '../../apps/worker/src/worker.module.js';
import { EventStore } from '../../libs/eventstore/src/index.js';
import { USER_STATE_CHANGED, userStateStreamId, type UserStateName } from '../../libs/moderation/src/events.js';
import { Database, loadConfig, type AppConfig } from '../../libs/shared/src/index.js';
import { removeRedisKeys, TEST_REDIS_URL } from './redis-keys.js';
import { createTestDatabase, dropDatabase } from './test-database.js';

export const ROOT_TOKEN = 'glpat-test-root-token-0123456789';


export interface TestContext {
  config: AppConfig;
  api: NestExpressApplication;
  http: TestAgent;
  db: Database;
  databaseName: string;
  rootToken: string;
  /** Starts a worker process-equivalent (relay + audit worker) in this test process. */
  startWorker(): Promise<INestApplicationContext>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real API on its own PostgreSQL database (copied from the migrated template) and its
 * own Redis key prefix, with root and ROOT_TOKEN created as on a first boot.
 */
export async function startTestApp(label: string, overrides: Partial<AppConfig> = {}): Promise<TestContext> {
  const database = await createTestDatabase(label);
  const config: AppConfig = {
    ...loadConfig({}),
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    externalUrl: 'http://gitlab.test',
    rootPersonalAccessToken: ROOT_TOKEN,
    queuePrefix: `test-${database.name}`,
    relayPollIntervalMs: 100,
    logLevel: 'silent',
    // Suites change tokens by SQL and check the next request at once; the cache (invalidated
    // asynchronously) has its own suite, test/e2e/auth/auth-cache.test.ts.
    authCacheTtlMs: 0,
    ...overrides,
  };
  const api = await createApiApp(config, { logger: false });
  await api.init();
  await api.get(RootBootstrap).run();
  let worker: INestApplicationContext | null = null;
  const ctx: TestContext = {
    config,
    api,
    http: supertest(api.getHttpServer()),
    db: api.get(Database),
    databaseName: database.name,
    rootToken: ROOT_TOKEN,
    async startWorker() {
      if (!worker) {
        worker = await createWorkerApp(config, { logger: false });
        worker.get(WorkerHost).start();
      }
      return worker;
    },
    async stopWorker() {
      const running = worker;
      worker = null;
      await running?.close();
    },
    async close() {
      await ctx.stopWorker();
      await api.close();
      await removeRedisKeys(config.redisUrl, config.queuePrefix);
      await dropDatabase(database.name);
    },
  };
  return ctx;
}

let sequence = 0;
/** A unique suffix for usernames and emails within a run. */
export function unique(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}${process.pid}x${sequence}`;
}

export interface CreatedUser {
  id: number;
  username: string;
  email: string;
  token: string;
}

/** Creates a user through the API as root, and a token for them. */
export async function createUserWithToken(
  ctx: TestContext,
  attributes: Record<string, unknown> = {},
  scopes: string[] = ['api'],
): Promise<CreatedUser> {
  const username = (attributes.username as string | undefined) ?? unique('user');
  const email = (attributes.email as string | undefined) ?? `${username}@example.org`;
  const created = await ctx.http
    .post('/api/v4/users')
    .set('PRIVATE-TOKEN', ctx.rootToken)
    .send({ username, email, name: `Name ${username}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true, ...attributes });
  if (created.status !== 201) throw new Error(`creating ${username} failed: ${created.status} ${JSON.stringify(created.body)}`);
  const token = await ctx.http
    .post(`/api/v4/users/${created.body.id}/personal_access_tokens`)
    .set('PRIVATE-TOKEN', ctx.rootToken)
    .send({ name: 'test', scopes });
  if (token.status !== 201) throw new Error(`token for ${username} failed: ${token.status} ${JSON.stringify(token.body)}`);
  return { id: created.body.id, username, email, token: token.body.token };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Puts a user in a moderation state (blocked, banned, deactivated, …) the way the
 * moderation context's events will: in the identity read model and in the credentials
 * context's copy of token owners. Until moderation exists, SQL stands in for its events.
 */
export async function setAccountState(ctx: TestContext, userId: number, state: UserStateName): Promise<void> {
  // Through the event store, as moderation will: every context's projection of the state follows.
  const [current] = await ctx.db.query<{ state: UserStateName; username: string }>(
    'SELECT state, username FROM identity.user_entities WHERE id = $1',
    [userId],
  );
  if (!current) throw new Error(`setAccountState: no user ${userId}`);
  const event = {
    type: USER_STATE_CHANGED,
    schemaVersion: 1,
    data: { user_id: userId, username: current.username, from: current.state, to: state, reason: 'test fixture', changed_at: new Date().toISOString() },
  };
  const metadata = { actor_id: null, actor_username: null, impersonator_id: null, ip: null, user_agent: null, request_id: null, correlation_id: null, causation_id: null };
  await ctx.api.get(EventStore).append(userStateStreamId(userId), [event], { expectedVersion: 'any', metadata });
}

/** A multipart POST with these form fields (as strings, as form clients send them); chain `.attach()` for files. */
export function postMultipart(ctx: TestContext, path: string, fields: Record<string, string>, token: string = ctx.rootToken) {
  let request = ctx.http.post(path).set('PRIVATE-TOKEN', token);
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  return request;
}
