import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';
import type { UserStateName } from '../../../libs/moderation/src/events.js';
import { addSshKey, newSshPublicKey } from '../../support/ssh-keys.js';
import { addGpgKey, newGpgPublicKey } from '../../support/gpg-keys.js';
import { addEmail, confirmationTokenFor } from '../../support/emails.js';
import * as OTPAuth from 'otpauth';

type Scope = 'api' | 'read_api' | 'read_user' | 'sudo' | 'admin_mode';
const SCOPES: Scope[] = ['api', 'read_api', 'read_user', 'sudo', 'admin_mode'];

/** A call that succeeds for an admin whose token has enough scope (fixtures made fresh for each call). */
interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As in the OpenAPI document. */
  path: string;
  /** GitLab's `API::Users`: its GET routes also let `read_user` in. */
  usersApi: boolean;
  /** The status of a success when it is not the method's usual one (reject answers 200). */
  success?: number;
  /** Scopes this route accepts when they are not GitLab's usual rule (`self` token routes). */
  scopes?: readonly Scope[];
  /** What a refusal names, when the route's API class registers scopes of its own. */
  registeredScopes?: string;
  /**
   * `caller` is the admin making the call (for routes on the caller's own records). `token`, when
   * given, is sent instead of the caller's (routes that revoke the token they are called with).
   */
  request(ctx: TestContext, caller: CreatedUser, scope: Scope): Promise<{ url: string; body?: Record<string, unknown>; token?: string }>;
}

const newUser = () => {
  const username = unique('matrix');
  return { username, email: `${username}@example.org`, name: `Name ${username}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true };
};
/** Sets a new custom attribute on root (as root); returns its key. */
async function customAttribute(ctx: TestContext): Promise<string> {
  const key = unique('key');
  const set = await ctx.http.put(`/api/v4/users/1/custom_attributes/${key}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ value: 'x' });
  expect(set.status).toBe(200);
  return key;
}
const fresh = async (ctx: TestContext, attributes: Record<string, unknown> = {}) => (await createUserWithToken(ctx, attributes)).id;
/** A new user whom `followerId` follows (root follows on their behalf, with sudo); returns its id. */
async function followedBy(ctx: TestContext, followerId: number): Promise<number> {
  const followee = await fresh(ctx);
  const followed = await ctx.http.post(`/api/v4/users/${followee}/follow`).set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', String(followerId));
  expect(followed.status).toBe(201);
  return followee;
}
/** A new user in `state` (a never-active one, so deactivation is allowed). */
const freshIn = async (ctx: TestContext, state: UserStateName) => {
  const id = await fresh(ctx);
  await setAccountState(ctx, id, state);
  return id;
};
const moderation = (action: string, request: (ctx: TestContext) => Promise<number>, success?: number): Route => ({
  method: 'post',
  path: `/api/v4/users/{id}/${action}`,
  usersApi: true,
  success,
  request: async (ctx) => ({ url: `/api/v4/users/${await request(ctx)}/${action}` }),
});

/** The current code of a TOTP secret (base32). */
const currentTotp = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
/** A new user with two-factor on (enrolled with their own token); answers the user's id. */
async function withTwoFactor(ctx: TestContext): Promise<number> {
  const user = await createUserWithToken(ctx, {}, ['api']);
  const started = await ctx.http.post('/api/v4/user/two_factor/totp').set('PRIVATE-TOKEN', user.token);
  const confirmed = await ctx.http.post('/api/v4/user/two_factor/totp/confirm').set('PRIVATE-TOKEN', user.token).send({ otp_code: currentTotp(started.body.secret) });
  expect(confirmed.status).toBe(200);
  return user.id;
}
/** A UTC day `days` from now, `YYYY-MM-DD`. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** A new personal access token of a user (made by root): its id and value. */
async function issueToken(ctx: TestContext, userId: number, scopes: string[]): Promise<{ id: number; token: string }> {
  const res = await ctx.http.post(`/api/v4/users/${userId}/personal_access_tokens`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'matrix', scopes });
  expect(res.status).toBe(201);
  return { id: res.body.id as number, token: res.body.token as string };
}
const tokenFor = async (ctx: TestContext, userId: number, scopes: string[]) => (await issueToken(ctx, userId, scopes)).token;
const tokenIdFor = async (ctx: TestContext, userId: number) => (await issueToken(ctx, userId, ['read_api'])).id;
async function impersonationTokenIdFor(ctx: TestContext, userId: number): Promise<number> {
  const res = await ctx.http.post(`/api/v4/users/${userId}/impersonation_tokens`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'matrix', scopes: ['api'], expires_at: inDays(30) });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

/** Every operation of the API (checked against the OpenAPI document below). */
const ROUTES: Route[] = [
  { method: 'get', path: '/api/v4/users', usersApi: true, request: async () => ({ url: '/api/v4/users' }) },
  { method: 'get', path: '/api/v4/users/{id}', usersApi: true, request: async () => ({ url: '/api/v4/users/1' }) },
  { method: 'get', path: '/api/v4/user', usersApi: true, request: async () => ({ url: '/api/v4/user' }) },
  { method: 'post', path: '/api/v4/users', usersApi: true, request: async () => ({ url: '/api/v4/users', body: newUser() }) },
  { method: 'put', path: '/api/v4/users/{id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}`, body: { bio: 'changed' } }) },
  { method: 'delete', path: '/api/v4/users/{id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}` }) },
  {
    method: 'post',
    path: '/api/v4/users/{user_id}/personal_access_tokens',
    usersApi: true,
    request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}/personal_access_tokens`, body: { name: 'matrix', scopes: ['read_api'] } }),
  },
  {
    method: 'delete',
    path: '/api/v4/users/{id}/identities/{provider}',
    usersApi: true,
    request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx, { provider: 'github', extern_uid: unique('uid') })}/identities/github` }),
  },
  { method: 'get', path: '/api/v4/users/{id}/custom_attributes', usersApi: true, request: async () => ({ url: '/api/v4/users/1/custom_attributes' }) },
  { method: 'get', path: '/api/v4/users/{id}/custom_attributes/{key}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/1/custom_attributes/${await customAttribute(ctx)}` }) },
  { method: 'put', path: '/api/v4/users/{id}/custom_attributes/{key}', usersApi: true, request: async () => ({ url: '/api/v4/users/1/custom_attributes/team', body: { value: 'blue' } }) },
  {
    method: 'delete',
    path: '/api/v4/users/{id}/custom_attributes/{key}',
    usersApi: true,
    request: async (ctx) => ({ url: `/api/v4/users/1/custom_attributes/${await customAttribute(ctx)}` }),
  },
  { method: 'get', path: '/api/v4/user/preferences', usersApi: true, request: async () => ({ url: '/api/v4/user/preferences' }) },
  { method: 'put', path: '/api/v4/user/preferences', usersApi: true, request: async () => ({ url: '/api/v4/user/preferences', body: { show_whitespace_in_diffs: true } }) },
  moderation('block', fresh),
  moderation('unblock', (ctx) => freshIn(ctx, 'blocked')),
  moderation('deactivate', fresh),
  moderation('activate', (ctx) => freshIn(ctx, 'deactivated')),
  moderation('ban', fresh),
  moderation('unban', (ctx) => freshIn(ctx, 'banned')),
  moderation('approve', (ctx) => freshIn(ctx, 'blocked_pending_approval')),
  moderation('reject', (ctx) => freshIn(ctx, 'blocked_pending_approval'), 200),
  { method: 'get', path: '/api/v4/user/keys', usersApi: true, request: async () => ({ url: '/api/v4/user/keys' }) },
  { method: 'get', path: '/api/v4/user/keys/{key_id}', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/user/keys/${await addSshKey(ctx, caller.id)}` }) },
  { method: 'post', path: '/api/v4/user/keys', usersApi: true, request: async () => ({ url: '/api/v4/user/keys', body: { title: 'matrix', key: newSshPublicKey() } }) },
  { method: 'delete', path: '/api/v4/user/keys/{key_id}', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/user/keys/${await addSshKey(ctx, caller.id)}` }) },
  { method: 'get', path: '/api/v4/users/{id}/keys', usersApi: true, request: async () => ({ url: '/api/v4/users/1/keys' }) },
  { method: 'get', path: '/api/v4/users/{id}/keys/{key_id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/1/keys/${await addSshKey(ctx, 1)}` }) },
  { method: 'post', path: '/api/v4/users/{id}/keys', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}/keys`, body: { title: 'matrix', key: newSshPublicKey() } }) },
  { method: 'delete', path: '/api/v4/users/{id}/keys/{key_id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/1/keys/${await addSshKey(ctx, 1)}` }) },
  { method: 'get', path: '/api/v4/user/gpg_keys', usersApi: true, request: async () => ({ url: '/api/v4/user/gpg_keys' }) },
  { method: 'get', path: '/api/v4/user/gpg_keys/{key_id}', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/user/gpg_keys/${await addGpgKey(ctx, caller.id)}` }) },
  { method: 'post', path: '/api/v4/user/gpg_keys', usersApi: true, request: async () => ({ url: '/api/v4/user/gpg_keys', body: { key: await newGpgPublicKey() } }) },
  { method: 'post', path: '/api/v4/user/gpg_keys/{key_id}/revoke', usersApi: true, success: 202, request: async (ctx, caller) => ({ url: `/api/v4/user/gpg_keys/${await addGpgKey(ctx, caller.id)}/revoke` }) },
  { method: 'delete', path: '/api/v4/user/gpg_keys/{key_id}', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/user/gpg_keys/${await addGpgKey(ctx, caller.id)}` }) },
  { method: 'get', path: '/api/v4/users/{id}/gpg_keys', usersApi: true, request: async () => ({ url: '/api/v4/users/1/gpg_keys' }) },
  { method: 'get', path: '/api/v4/users/{id}/gpg_keys/{key_id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/1/gpg_keys/${await addGpgKey(ctx, 1)}` }) },
  { method: 'post', path: '/api/v4/users/{id}/gpg_keys', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}/gpg_keys`, body: { key: await newGpgPublicKey() } }) },
  { method: 'post', path: '/api/v4/users/{id}/gpg_keys/{key_id}/revoke', usersApi: true, success: 202, request: async (ctx) => ({ url: `/api/v4/users/1/gpg_keys/${await addGpgKey(ctx, 1)}/revoke` }) },
  { method: 'delete', path: '/api/v4/users/{id}/gpg_keys/{key_id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/1/gpg_keys/${await addGpgKey(ctx, 1)}` }) },
  { method: 'get', path: '/api/v4/user/emails', usersApi: true, request: async () => ({ url: '/api/v4/user/emails' }) },
  { method: 'get', path: '/api/v4/user/emails/{email_id}', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/user/emails/${await addEmail(ctx, caller.id, `${unique('own')}@example.org`)}` }) },
  { method: 'post', path: '/api/v4/user/emails', usersApi: true, request: async () => ({ url: '/api/v4/user/emails', body: { email: `${unique('new')}@example.org` } }) },
  { method: 'delete', path: '/api/v4/user/emails/{email_id}', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/user/emails/${await addEmail(ctx, caller.id, `${unique('own')}@example.org`)}` }) },
  {
    method: 'post',
    path: '/api/v4/user/emails/confirmation',
    usersApi: true,
    success: 200,
    request: async (ctx) => ({ url: '/api/v4/user/emails/confirmation', body: { confirmation_token: await confirmationTokenFor(ctx, await addEmail(ctx, 1, `${unique('confirm')}@example.org`)) } }),
  },
  { method: 'get', path: '/api/v4/users/{id}/emails', usersApi: true, request: async () => ({ url: '/api/v4/users/1/emails' }) },
  { method: 'post', path: '/api/v4/users/{id}/emails', usersApi: true, request: async () => ({ url: '/api/v4/users/1/emails', body: { email: `${unique('given')}@example.org` } }) },
  { method: 'delete', path: '/api/v4/users/{id}/emails/{email_id}', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/1/emails/${await addEmail(ctx, 1, `${unique('given')}@example.org`)}` }) },
  { method: 'post', path: '/api/v4/user/personal_access_tokens', usersApi: true, request: async () => ({ url: '/api/v4/user/personal_access_tokens', body: { name: 'mine', scopes: ['self_rotate'] } }) },
  { method: 'get', path: '/api/v4/personal_access_tokens', usersApi: false, request: async () => ({ url: '/api/v4/personal_access_tokens' }) },
  { method: 'get', path: '/api/v4/personal_access_tokens/self', usersApi: false, scopes: SCOPES, request: async () => ({ url: '/api/v4/personal_access_tokens/self' }) },
  {
    method: 'delete',
    path: '/api/v4/personal_access_tokens/self',
    usersApi: false,
    scopes: SCOPES,
    request: async (ctx, caller, scope) => ({ url: '/api/v4/personal_access_tokens/self', token: await tokenFor(ctx, caller.id, [scope]) }),
  },
  {
    method: 'post',
    path: '/api/v4/personal_access_tokens/self/rotate',
    usersApi: false,
    scopes: ['api'],
    registeredScopes: 'self_rotate api read_api',
    success: 200,
    request: async (ctx, caller, scope) => ({ url: '/api/v4/personal_access_tokens/self/rotate', token: await tokenFor(ctx, caller.id, [scope]) }),
  },
  { method: 'get', path: '/api/v4/personal_access_tokens/{id}', usersApi: false, request: async (ctx) => ({ url: `/api/v4/personal_access_tokens/${await tokenIdFor(ctx, 1)}` }) },
  { method: 'delete', path: '/api/v4/personal_access_tokens/{id}', usersApi: false, request: async (ctx) => ({ url: `/api/v4/personal_access_tokens/${await tokenIdFor(ctx, 1)}` }) },
  { method: 'post', path: '/api/v4/personal_access_tokens/{id}/rotate', usersApi: false, success: 200, request: async (ctx) => ({ url: `/api/v4/personal_access_tokens/${await tokenIdFor(ctx, 1)}/rotate` }) },
  { method: 'get', path: '/api/v4/users/{user_id}/impersonation_tokens', usersApi: true, request: async () => ({ url: '/api/v4/users/1/impersonation_tokens' }) },
  {
    method: 'post',
    path: '/api/v4/users/{user_id}/impersonation_tokens',
    usersApi: true,
    request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}/impersonation_tokens`, body: { name: 'as them', scopes: ['api'], expires_at: inDays(30) } }),
  },
  {
    method: 'get',
    path: '/api/v4/users/{user_id}/impersonation_tokens/{impersonation_token_id}',
    usersApi: true,
    request: async (ctx) => ({ url: `/api/v4/users/1/impersonation_tokens/${await impersonationTokenIdFor(ctx, 1)}` }),
  },
  {
    method: 'delete',
    path: '/api/v4/users/{user_id}/impersonation_tokens/{impersonation_token_id}',
    usersApi: true,
    request: async (ctx) => ({ url: `/api/v4/users/1/impersonation_tokens/${await impersonationTokenIdFor(ctx, 1)}` }),
  },
  { method: 'post', path: '/api/v4/user/two_factor/totp', usersApi: true, request: async () => ({ url: '/api/v4/user/two_factor/totp' }) },
  {
    method: 'post',
    path: '/api/v4/user/two_factor/totp/confirm',
    usersApi: true,
    success: 200,
    request: async (ctx, caller, scope) => {
      // A user of their own, so that each call enrols afresh.
      const user = await createUserWithToken(ctx, { admin: true }, [scope]);
      const started = await ctx.http.post('/api/v4/user/two_factor/totp').set('PRIVATE-TOKEN', await tokenFor(ctx, user.id, ['api']));
      return { url: '/api/v4/user/two_factor/totp/confirm', body: { otp_code: currentTotp(started.body.secret) }, token: user.token };
    },
  },
  { method: 'get', path: '/api/v4/user/activities', usersApi: true, request: async () => ({ url: '/api/v4/user/activities' }) },
  { method: 'get', path: '/api/v4/users/{id}/memberships', usersApi: true, request: async () => ({ url: '/api/v4/users/1/memberships' }) },
  { method: 'get', path: '/api/v4/users/{id}/associations_count', usersApi: true, request: async () => ({ url: '/api/v4/users/1/associations_count' }) },
  { method: 'get', path: '/api/v4/users/{id_or_username}/events', usersApi: true, request: async () => ({ url: '/api/v4/users/root/events' }) },
  { method: 'get', path: '/api/v4/user_counts', usersApi: false, request: async () => ({ url: '/api/v4/user_counts' }) },
  { method: 'get', path: '/api/v4/admin/active_users', usersApi: false, request: async () => ({ url: '/api/v4/admin/active_users' }) },
  {
    method: 'post',
    path: '/api/v4/admin/activity/batches',
    usersApi: false,
    request: async () => ({
      url: '/api/v4/admin/activity/batches',
      body: { source: 'matrix', items: [{ id: unique('matrix'), kind: 'user_counts', user_id: 1, assigned_issues: 0, assigned_merge_requests: 0, review_requested_merge_requests: 0, todos: 0 }] },
    }),
  },
  { method: 'post', path: '/api/v4/users/{id}/follow', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/${await fresh(ctx)}/follow` }) },
  { method: 'post', path: '/api/v4/users/{id}/unfollow', usersApi: true, request: async (ctx, caller) => ({ url: `/api/v4/users/${await followedBy(ctx, caller.id)}/unfollow` }) },
  { method: 'get', path: '/api/v4/users/{id}/followers', usersApi: true, request: async () => ({ url: '/api/v4/users/1/followers' }) },
  { method: 'get', path: '/api/v4/users/{id}/following', usersApi: true, request: async () => ({ url: '/api/v4/users/1/following' }) },
  { method: 'get', path: '/api/v4/user/status', usersApi: true, request: async () => ({ url: '/api/v4/user/status' }) },
  { method: 'put', path: '/api/v4/user/status', usersApi: true, request: async () => ({ url: '/api/v4/user/status', body: { emoji: 'coffee', message: 'matrix' } }) },
  { method: 'patch', path: '/api/v4/user/status', usersApi: true, success: 200, request: async () => ({ url: '/api/v4/user/status', body: { message: 'matrix patch' } }) },
  { method: 'get', path: '/api/v4/users/{id_or_username}/status', usersApi: true, request: async () => ({ url: '/api/v4/users/root/status' }) },
  { method: 'get', path: '/api/v4/user/following_preference', usersApi: true, request: async () => ({ url: '/api/v4/user/following_preference' }) },
  { method: 'put', path: '/api/v4/user/following_preference', usersApi: true, request: async () => ({ url: '/api/v4/user/following_preference', body: { enabled_following: true } }) },
  { method: 'patch', path: '/api/v4/users/{id}/disable_two_factor', usersApi: true, request: async (ctx) => ({ url: `/api/v4/users/${await withTwoFactor(ctx)}/disable_two_factor` }) },
  { method: 'post', path: '/api/v4/user/runners', usersApi: false, registeredScopes: 'create_runner api read_api', request: async () => ({ url: '/api/v4/user/runners', body: { runner_type: 'instance_type' } }) },
  { method: 'get', path: '/api/v4/audit_events', usersApi: false, request: async () => ({ url: '/api/v4/audit_events' }) },
  { method: 'get', path: '/api/v4/audit_events/export', usersApi: false, request: async () => ({ url: '/api/v4/audit_events/export?event_name=user_created' }) },
  {
    method: 'get',
    path: '/api/v4/audit_events/{id}',
    usersApi: false,
    request: async (ctx) => {
      const [row] = await ctx.db.query<{ id: string }>('SELECT id::text FROM activity.audit_events ORDER BY audit_events.id LIMIT 1');
      return { url: `/api/v4/audit_events/${row.id}` };
    },
  },
];

/** GitLab's rule: `api` everywhere; `read_api` for GET/HEAD; `read_user` for GET/HEAD of API::Users only. */
function allows(route: Route, scope: Scope): boolean {
  if (route.scopes) return route.scopes.includes(scope);
  if (scope === 'api') return true;
  if (route.method !== 'get') return false;
  return scope === 'read_api' || (scope === 'read_user' && route.usersApi);
}

describe('token scopes on every route: api, read_api, read_user, sudo, admin_mode', () => {
  let ctx: TestContext;
  const admins = new Map<Scope, CreatedUser>();

  beforeAll(async () => {
    ctx = await startTestApp('scope_matrix');
    // Admins, so that an answer can only come from the token's scope, never from permissions.
    for (const scope of SCOPES) admins.set(scope, await createUserWithToken(ctx, { admin: true }, [scope]));
    await ctx.startWorker();
    await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send(newUser());
    // An audit row to fetch by id.
    await eventually(async () => ((await ctx.db.query('SELECT 1 FROM activity.audit_events LIMIT 1')).length > 0 ? true : undefined), 10_000, 'a first audit row');
  });
  afterAll(async () => ctx?.close());

  it('covers every token-authenticated operation of the OpenAPI document (health, metrics and avatar files take no token)', async () => {
    const doc = (await ctx.http.get('/api/v4/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      // Sign-up is the one /api/v4 operation that takes no token.
      .filter(([path]) => path.startsWith('/api/v4/') && path !== '/api/v4/users/sign_up')
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(documented.sort());
  });

  const cases = ROUTES.flatMap((route) => SCOPES.map((scope) => [`${route.method.toUpperCase()} ${route.path}`, scope, route] as const));
  it.each(cases)('%s with a %s token', async (_name, scope, route) => {
    const { url, body, token } = await route.request(ctx, admins.get(scope)!, scope);
    const res = await ctx.http[route.method](url).set('PRIVATE-TOKEN', token ?? admins.get(scope)!.token).send(body);
    if (allows(route, scope)) {
      const success = route.success ?? { get: 200, post: 201, put: 200, patch: 204, delete: 204 }[route.method];
      expect({ scope, status: res.status }).toEqual({ scope, status: success });
    } else {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: route.registeredScopes ?? (route.usersApi ? 'read_user api read_api' : 'api read_api'),
      });
    }
  });
});
