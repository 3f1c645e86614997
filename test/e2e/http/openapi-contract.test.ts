import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type supertest from 'supertest';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';
import { newSshPublicKey } from '../../support/ssh-keys.js';
import { newGpgPublicKey } from '../../support/gpg-keys.js';
import { confirmationTokenFor } from '../../support/emails.js';
import * as OTPAuth from 'otpauth';

/**
 * The OpenAPI document against the service: every operation it lists is called for real, as an
 * admin and in ways that fail, and each answer must have a documented status, the documented media
 * type, the headers the document promises, and a body that validates against the documented schema
 * (entity schemas are closed and list every key they always carry, so a presenter that gains or
 * loses a key fails here until the document says so too).
 */

type Schema = Record<string, unknown>;
type ResponseObject = { description: string; headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema?: Schema }> };
type Operation = { operationId: string; security?: Schema[]; parameters?: { name: string; in: string }[]; responses: Record<string, ResponseObject> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const BASE = 'https://openapi.invalid/document.json';
const PASSWORD = 'Vq8!zR2#long-enough';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0c1f5a50000000049454e44ae426082', 'hex');
const RATE_LIMIT = 3;
const BODY_LIMIT = 64 * 1024;

/** Checks answers against the document and records which statuses each operation was seen with. */
class Contract {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; pattern: RegExp; key: string; operation: Operation }[] = [];
  readonly seen = new Map<string, Set<number>>();

  constructor(readonly document: Document) {
    addFormats.default(this.ajv);
    // The schemas live under `components`, which is no JSON Schema keyword.
    this.ajv.addKeyword('components');
    this.ajv.addSchema({ $id: BASE, components: document.components });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`);
        this.routes.push({ method, pattern, key: `${method.toUpperCase()} ${path}`, operation });
      }
    }
  }

  get operationKeys(): string[] {
    return this.routes.map((route) => route.key);
  }

  /** What is wrong with this answer to `method url`, by the document (empty when nothing is). */
  problems(method: Method, url: string, res: supertest.Response): string[] {
    const path = url.split('?')[0];
    const templates = (key: string) => key.split('{').length;
    // A literal segment wins over a template (`/personal_access_tokens/self` over `/{id}`), as the router declares it first.
    const candidates = this.routes.filter((route) => route.method === method && route.pattern.test(path)).sort((a, b) => templates(a.key) - templates(b.key));
    const matches = candidates.length > 1 && templates(candidates[0].key) < templates(candidates[1].key) ? [candidates[0]] : candidates;
    if (matches.length !== 1) return [`${method.toUpperCase()} ${path} matches ${matches.length} documented operations`];
    const { key, operation } = matches[0];
    if (!this.seen.has(key)) this.seen.set(key, new Set());
    this.seen.get(key)!.add(res.status);
    const documented = operation.responses[String(res.status)];
    if (!documented) return [`${key} answered ${res.status}, documented: ${Object.keys(operation.responses).join(', ')}`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && res.headers[name.toLowerCase()] === undefined) problems.push(`${key} ${res.status} lacks the ${name} header`);
    }
    const contentType = res.headers['content-type'] as string | undefined;
    if (!documented.content) {
      if (res.text) problems.push(`${key} ${res.status} is documented without a body, got ${res.text.slice(0, 100)}`);
      return problems;
    }
    const mediaType = Object.keys(documented.content).find((type) => type === 'application/json' ? contentType === type : mediaTypeMatches(type, contentType));
    if (!mediaType) return [...problems, `${key} ${res.status} answered Content-Type ${contentType}, documented: ${Object.keys(documented.content).join(', ')}`];
    if (mediaType !== 'application/json') return problems;
    const validate = this.validator(`${key} ${res.status}`, documented.content[mediaType].schema ?? {});
    if (!validate(res.body)) {
      for (const error of validate.errors ?? []) problems.push(`${key} ${res.status} body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
    }
    return problems;
  }

  private validator(id: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(id);
    if (!validate) {
      // References inside a response schema point into the document (`#/components/...`).
      validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${BASE}#/components/`)) as Schema);
      this.validators.set(id, validate);
    }
    return validate;
  }
}

function mediaTypeMatches(documented: string, actual: string | undefined): boolean {
  const type = (actual ?? '').split(';')[0].trim();
  return documented.endsWith('/*') ? type.startsWith(documented.slice(0, -1)) : type === documented;
}

/** Collects a binary body (images) that supertest would otherwise try to read as text. */
const binary = (res: supertest.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('the OpenAPI document describes every answer of every operation', () => {
  let ctx: TestContext;
  let contract: Contract;
  let alice: CreatedUser;

  interface Call {
    token?: string | null;
    body?: Record<string, unknown>;
    headers?: Record<string, string>;
  }

  /** Sends one request, checks the answer against the document, and expects `status` (so each case hits what it means to). */
  async function call(status: number, method: Method, url: string, options: Call = {}): Promise<supertest.Response> {
    let request = ctx.http[method](url);
    const token = options.token === undefined ? ctx.rootToken : options.token;
    if (token) request = request.set('PRIVATE-TOKEN', token);
    for (const [name, value] of Object.entries(options.headers ?? {})) request = request.set(name, value);
    const res = options.body ? await request.send(options.body) : await request;
    expect({ url, problems: contract.problems(method, url, res) }).toEqual({ url, problems: [] });
    expect({ method, url, status: res.status, body: res.body as unknown }).toMatchObject({ method, url, status });
    return res;
  }

  const newUser = (extra: Record<string, unknown> = {}) => {
    const username = unique('contract');
    return { username, email: `${username}@example.org`, name: `Contract ${username}`, password: PASSWORD, skip_confirmation: true, ...extra };
  };

  beforeAll(async () => {
    ctx = await startTestApp('openapi_contract', {
      usersGetByIdLimit: RATE_LIMIT,
      bodyLimitBytes: BODY_LIMIT,
      signupEnabled: true,
      requireAdminApprovalAfterUserSignup: true,
      signupLimit: 2,
    });
    const res = await ctx.http.get('/api/v4/openapi.json');
    expect(res.status).toBe(200);
    contract = new Contract(res.body as Document);
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    // Audit rows come from the worker.
    await ctx.startWorker();
  });
  afterAll(async () => ctx?.close());

  it('is OpenAPI 3.1 with every entity tier, the token answer, custom attributes, preferences, audit events and the error body as named schemas', () => {
    expect(contract.document.openapi).toBe('3.1.0');
    expect(Object.keys(contract.document.components.schemas)).toEqual(
      expect.arrayContaining(['UserBasic', 'User', 'UserPublic', 'UserWithAdmin', 'UserDetailsWithAdmin', 'PersonalAccessTokenWithToken', 'CustomAttribute', 'UserPreferences', 'AuditEvent', 'Error']),
    );
    for (const name of ['UserBasic', 'User', 'UserPublic', 'UserWithAdmin', 'UserDetailsWithAdmin']) {
      expect(contract.document.components.schemas[name]).toMatchObject({ type: 'object', additionalProperties: false, required: expect.arrayContaining(['id', 'username']) });
    }
  });

  it('documents health, readiness, liveness and metrics as unauthenticated, and every /api/v4 operation as taking a token', () => {
    for (const [path, item] of Object.entries(contract.document.paths)) {
      for (const operation of Object.values(item)) {
        if (path.startsWith('/-/')) expect({ path, security: operation.security }).toEqual({ path, security: [] });
        // Sign-up is the one /api/v4 operation anyone may call without a token.
        if (path === '/api/v4/users/sign_up') expect({ path, security: operation.security }).toEqual({ path, security: [] });
        else if (path.startsWith('/api/v4/')) expect({ path, security: operation.security }).toEqual({ path, security: expect.arrayContaining([{ 'private-token': [] }]) });
      }
    }
  });

  it('documents the pagination parameters and headers of the lists', () => {
    const names = (path: string) => (contract.document.paths[path].get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(names('/api/v4/users')).toEqual(expect.arrayContaining(['page', 'per_page', 'pagination', 'cursor']));
    expect(names('/api/v4/audit_events')).toEqual(expect.arrayContaining(['page', 'per_page']));
    for (const path of ['/api/v4/users', '/api/v4/audit_events']) {
      expect(Object.keys(contract.document.paths[path].get.responses['200'].headers ?? {})).toEqual(
        expect.arrayContaining(['X-Total', 'X-Total-Pages', 'X-Per-Page', 'X-Page', 'X-Next-Page', 'X-Prev-Page', 'Link']),
      );
    }
  });

  it('GET /-/health, /-/readiness, /-/liveness, /-/metrics: 200 without a token; 400 for an unreadable request', async () => {
    for (const path of ['/-/health', '/-/readiness', '/-/liveness', '/-/metrics']) {
      await call(200, 'get', path, { token: null });
      await call(400, 'get', `${path}?x=%00`, { token: null });
    }
  });

  it('GET /users: UserWithAdmin for admins, UserBasic for others, offset and keyset pages, and its errors', async () => {
    await call(200, 'put', '/api/v4/users/1/custom_attributes/contract', { body: { value: 'yes' } });
    const page = await call(200, 'get', '/api/v4/users?per_page=1');
    expect(page.headers['x-per-page']).toBe('1');
    expect(page.headers.link).toContain('rel="next"');
    const withAttributes = await call(200, 'get', '/api/v4/users?username=root&with_custom_attributes=true');
    expect(withAttributes.body[0].custom_attributes).toEqual([{ key: 'contract', value: 'yes' }]);
    await call(200, 'get', '/api/v4/users', { token: alice.token });
    await call(200, 'get', `/api/v4/users?username=${alice.username}`, { token: null });
    const keyset = await call(200, 'get', '/api/v4/users?pagination=keyset&order_by=id&per_page=1');
    expect(keyset.headers.link).toMatch(/cursor=.*rel="next"/);
    await call(403, 'get', '/api/v4/users', { token: null });
    await call(405, 'get', '/api/v4/users?page=2501&per_page=20');
    await call(400, 'get', '/api/v4/users?per_page=0');
    await call(401, 'get', '/api/v4/users', { token: 'glpat-not-a-token' });
    await call(404, 'get', '/api/v4/users', { headers: { Sudo: 'nobody-by-this-name' } });
  });

  it('GET /users/:id: UserDetailsWithAdmin for admins, User for others, 429 past the rate limit, 404s', async () => {
    await call(200, 'get', '/api/v4/users/1?with_custom_attributes=true');
    await call(200, 'get', `/api/v4/users/${alice.id}`);
    const other = await createUserWithToken(ctx, { username: unique('other') });
    for (let i = 0; i < RATE_LIMIT; i += 1) await call(200, 'get', '/api/v4/users/1', { token: other.token });
    const limited = await call(429, 'get', '/api/v4/users/1', { token: other.token });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await call(403, 'get', '/api/v4/users/1', { token: null });
    await call(404, 'get', '/api/v4/users/999999');
    await call(404, 'get', '/api/v4/users/abc');
  });

  it('GET /user: UserWithAdmin for admins, UserPublic for others; 401 without a token, 403 without a read scope', async () => {
    await call(200, 'get', '/api/v4/user');
    await call(200, 'get', '/api/v4/user', { token: alice.token });
    await call(401, 'get', '/api/v4/user', { token: null });
    const sudoOnly = await createUserWithToken(ctx, { username: unique('sudo') }, ['sudo']);
    await call(403, 'get', '/api/v4/user', { token: sudoOnly.token });
  });

  it('POST /users: 201 UserWithAdmin (JSON or multipart with an avatar), 400, 401, 403, 409, 413', async () => {
    const created = await call(201, 'post', '/api/v4/users', { body: newUser({ note: 'made by the contract test' }) });
    expect(created.body.created_by).toMatchObject({ id: 1, username: 'root' });
    const fields = newUser();
    const multipart = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .field('username', fields.username)
      .field('email', fields.email)
      .field('name', fields.name)
      .field('password', PASSWORD)
      .field('skip_confirmation', 'true')
      .attach('avatar', PNG, { filename: 'face.png', contentType: 'image/png' });
    expect(contract.problems('post', '/api/v4/users', multipart)).toEqual([]);
    expect(multipart.status).toBe(201);
    await call(409, 'post', '/api/v4/users', { body: newUser({ email: created.body.email }) });
    await call(400, 'post', '/api/v4/users', { body: { name: 'no email, no username' } });
    await call(403, 'post', '/api/v4/users', { token: alice.token, body: newUser() });
    await call(401, 'post', '/api/v4/users', { token: null, body: newUser() });
    await call(413, 'post', '/api/v4/users', { body: newUser({ bio: 'x'.repeat(BODY_LIMIT + 1) }) });
    const broken = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).set('Content-Type', 'application/json').send('{"username":');
    expect(contract.problems('post', '/api/v4/users', broken)).toEqual([]);
    expect(broken.status).toBe(400);
  });

  it('GET /uploads/-/system/user/avatar/:id/:filename: 200 image, 304 for its ETag, 404 otherwise', async () => {
    const created = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .field('username', unique('face'))
      .field('email', `${unique('face')}@example.org`)
      .field('name', 'Face')
      .field('password', PASSWORD)
      .attach('avatar', PNG, { filename: 'face.png', contentType: 'image/png' });
    expect(created.status).toBe(201);
    const path = new URL(created.body.avatar_url as string).pathname;
    const image = await ctx.http.get(path).buffer(true).parse(binary);
    expect(contract.problems('get', path, image)).toEqual([]);
    expect(image.status).toBe(200);
    expect(image.body).toEqual(PNG);
    const unchanged = await ctx.http.get(path).set('If-None-Match', image.headers.etag as string);
    expect(contract.problems('get', path, unchanged)).toEqual([]);
    expect(unchanged.status).toBe(304);
    await call(404, 'get', `/uploads/-/system/user/avatar/${created.body.id}/other.png`, { token: null });
  });

  it('PUT /users/:id: 200 UserWithAdmin, 403, 404, 409', async () => {
    const target = await createUserWithToken(ctx, { username: unique('put') });
    await call(200, 'put', `/api/v4/users/${target.id}`, { body: { bio: 'changed', job_title: 'Dev', organization: 'ACME' } });
    await call(409, 'put', `/api/v4/users/${target.id}`, { body: { email: alice.email } });
    await call(403, 'put', `/api/v4/users/${target.id}`, { token: alice.token, body: { bio: 'no' } });
    await call(404, 'put', '/api/v4/users/999999', { body: { bio: 'nobody' } });
  });

  it('DELETE /users/:id: 204, 412 for If-Unmodified-Since, 403 for the ghost user, 404 once gone', async () => {
    const target = await createUserWithToken(ctx, { username: unique('del') });
    await call(412, 'delete', `/api/v4/users/${target.id}`, { headers: { 'If-Unmodified-Since': 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    await call(204, 'delete', `/api/v4/users/${target.id}`);
    await call(404, 'delete', `/api/v4/users/${target.id}`);
    const ghost = await eventually(async () => {
      const res = await ctx.http.get('/api/v4/users?username=ghost').set('PRIVATE-TOKEN', ctx.rootToken);
      return (res.body as { id: number }[])[0]?.id;
    });
    await call(403, 'delete', `/api/v4/users/${ghost}`);
  });

  it('DELETE /users/:id/identities/:provider: 204, 404 Identity Not Found, 412', async () => {
    const linked = await createUserWithToken(ctx, { username: unique('idp'), provider: 'github', extern_uid: unique('uid') });
    await call(412, 'delete', `/api/v4/users/${linked.id}/identities/github`, { headers: { 'If-Unmodified-Since': 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    await call(204, 'delete', `/api/v4/users/${linked.id}/identities/github`);
    await call(404, 'delete', `/api/v4/users/${linked.id}/identities/github`);
    await call(403, 'delete', `/api/v4/users/${linked.id}/identities/github`, { token: alice.token });
  });

  it('POST /users/:user_id/personal_access_tokens: 201 with the token, 400, 403, 404, 422', async () => {
    const created = await call(201, 'post', `/api/v4/users/${alice.id}/personal_access_tokens`, { body: { name: 'contract', scopes: ['read_api'], description: 'from the contract test' } });
    expect(created.body.token).toEqual(expect.any(String));
    await call(422, 'post', `/api/v4/users/${alice.id}/personal_access_tokens`, { body: { name: 'far', scopes: ['api'], expires_at: '2999-01-01' } });
    await call(400, 'post', `/api/v4/users/${alice.id}/personal_access_tokens`, { body: { name: 'no scopes' } });
    await call(403, 'post', `/api/v4/users/${alice.id}/personal_access_tokens`, { token: alice.token, body: { name: 'mine', scopes: ['api'] } });
    await call(404, 'post', '/api/v4/users/999999/personal_access_tokens', { body: { name: 'nobody', scopes: ['api'] } });
  });

  it('custom attributes: list, show, set and delete, and their 400, 403 and 404', async () => {
    await call(200, 'put', `/api/v4/users/${alice.id}/custom_attributes/team`, { body: { value: 'blue' } });
    await call(200, 'get', `/api/v4/users/${alice.id}/custom_attributes`);
    await call(200, 'get', `/api/v4/users/${alice.id}/custom_attributes/team`);
    await call(204, 'delete', `/api/v4/users/${alice.id}/custom_attributes/team`);
    await call(404, 'get', `/api/v4/users/${alice.id}/custom_attributes/team`);
    await call(404, 'delete', `/api/v4/users/${alice.id}/custom_attributes/team`);
    await call(400, 'put', `/api/v4/users/${alice.id}/custom_attributes/team`, { body: {} });
    await call(403, 'get', `/api/v4/users/${alice.id}/custom_attributes`, { token: alice.token });
    await call(401, 'get', `/api/v4/users/${alice.id}/custom_attributes`, { token: null });
  });

  it('SSH keys: list, show, add and delete, own and a given user\'s, and their 400, 401, 403, 404 and 412', async () => {
    const own = await call(201, 'post', '/api/v4/user/keys', { token: alice.token, body: { title: 'laptop', key: newSshPublicKey() } });
    await call(400, 'post', '/api/v4/user/keys', { token: alice.token, body: { title: 'again', key: 'not a key' } });
    await call(200, 'get', '/api/v4/user/keys', { token: alice.token });
    await call(401, 'get', '/api/v4/user/keys', { token: null });
    await call(200, 'get', `/api/v4/user/keys/${own.body.id}`, { token: alice.token });
    await call(404, 'get', `/api/v4/user/keys/${own.body.id}`);
    await call(200, 'get', `/api/v4/users/${alice.username}/keys`, { token: null });
    await call(404, 'get', '/api/v4/users/999999/keys', { token: null });
    await call(200, 'get', `/api/v4/users/${alice.id}/keys/${own.body.id}`, { token: null });
    await call(404, 'get', `/api/v4/users/1/keys/${own.body.id}`, { token: null });
    await call(412, 'delete', `/api/v4/user/keys/${own.body.id}`, { token: alice.token, headers: { 'If-Unmodified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' } });
    await call(204, 'delete', `/api/v4/user/keys/${own.body.id}`, { token: alice.token });
    const given = await call(201, 'post', `/api/v4/users/${alice.id}/keys`, { body: { title: 'given', key: newSshPublicKey() } });
    await call(403, 'post', `/api/v4/users/${alice.id}/keys`, { token: alice.token, body: { title: 'x', key: newSshPublicKey() } });
    await call(403, 'delete', `/api/v4/users/${alice.id}/keys/${given.body.id}`, { token: alice.token });
    await call(204, 'delete', `/api/v4/users/${alice.id}/keys/${given.body.id}`);
  });

  it('GPG keys: list, show, add, revoke and delete, own and a given user\'s, and their 400, 401, 403, 404 and 412', async () => {
    const own = await call(201, 'post', '/api/v4/user/gpg_keys', { token: alice.token, body: { key: await newGpgPublicKey() } });
    await call(400, 'post', '/api/v4/user/gpg_keys', { token: alice.token, body: { key: 'not a key' } });
    await call(200, 'get', '/api/v4/user/gpg_keys', { token: alice.token });
    await call(401, 'get', '/api/v4/user/gpg_keys', { token: null });
    await call(200, 'get', `/api/v4/user/gpg_keys/${own.body.id}`, { token: alice.token });
    await call(404, 'get', `/api/v4/user/gpg_keys/${own.body.id}`);
    await call(200, 'get', `/api/v4/users/${alice.id}/gpg_keys`, { token: null });
    await call(404, 'get', '/api/v4/users/999999/gpg_keys', { token: null });
    await call(200, 'get', `/api/v4/users/${alice.id}/gpg_keys/${own.body.id}`, { token: null });
    await call(404, 'get', `/api/v4/users/1/gpg_keys/${own.body.id}`, { token: null });
    await call(412, 'delete', `/api/v4/user/gpg_keys/${own.body.id}`, { token: alice.token, headers: { 'If-Unmodified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' } });
    await call(204, 'delete', `/api/v4/user/gpg_keys/${own.body.id}`, { token: alice.token });
    await call(404, 'post', `/api/v4/user/gpg_keys/${own.body.id}/revoke`, { token: alice.token });
    const revoked = await call(201, 'post', '/api/v4/user/gpg_keys', { token: alice.token, body: { key: await newGpgPublicKey() } });
    expect((await call(202, 'post', `/api/v4/user/gpg_keys/${revoked.body.id}/revoke`, { token: alice.token })).body).toBe(202);
    const given = await call(201, 'post', `/api/v4/users/${alice.id}/gpg_keys`, { body: { key: await newGpgPublicKey() } });
    await call(404, 'post', '/api/v4/users/999999/gpg_keys', { body: { key: await newGpgPublicKey() } });
    await call(404, 'post', `/api/v4/users/${alice.id}/gpg_keys/999999/revoke`);
    await call(404, 'delete', `/api/v4/users/${alice.id}/gpg_keys/999999`);
    await call(403, 'post', `/api/v4/users/${alice.id}/gpg_keys`, { token: alice.token, body: { key: await newGpgPublicKey() } });
    await call(403, 'post', `/api/v4/users/${alice.id}/gpg_keys/${given.body.id}/revoke`, { token: alice.token });
    await call(403, 'delete', `/api/v4/users/${alice.id}/gpg_keys/${given.body.id}`, { token: alice.token });
    await call(204, 'delete', `/api/v4/users/${alice.id}/gpg_keys/${given.body.id}`);
    const again = await call(201, 'post', `/api/v4/users/${alice.id}/gpg_keys`, { body: { key: await newGpgPublicKey() } });
    await call(202, 'post', `/api/v4/users/${alice.id}/gpg_keys/${again.body.id}/revoke`);
  });

  it('e-mails: list, show, add, confirm and delete, own and a given user\'s, and their 400, 401, 403, 404 and 412', async () => {
    const own = await call(201, 'post', '/api/v4/user/emails', { token: alice.token, body: { email: `${unique('own')}@example.org` } });
    await call(400, 'post', '/api/v4/user/emails', { token: alice.token, body: { email: 'not-an-address' } });
    await call(200, 'get', '/api/v4/user/emails', { token: alice.token });
    await call(401, 'get', '/api/v4/user/emails', { token: null });
    await call(200, 'get', `/api/v4/user/emails/${own.body.id}`, { token: alice.token });
    await call(404, 'get', `/api/v4/user/emails/${own.body.id}`);
    await call(200, 'post', '/api/v4/user/emails/confirmation', { token: null, body: { confirmation_token: await confirmationTokenFor(ctx, own.body.id) } });
    await call(404, 'post', '/api/v4/user/emails/confirmation', { token: null, body: { confirmation_token: 'used-or-unknown' } });
    await call(412, 'delete', `/api/v4/user/emails/${own.body.id}`, { token: alice.token, headers: { 'If-Unmodified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' } });
    await call(204, 'delete', `/api/v4/user/emails/${own.body.id}`, { token: alice.token });
    await call(200, 'get', `/api/v4/users/${alice.id}/emails`);
    await call(403, 'get', `/api/v4/users/${alice.id}/emails`, { token: alice.token });
    const given = await call(201, 'post', `/api/v4/users/${alice.id}/emails`, { body: { email: `${unique('given')}@example.org`, skip_confirmation: true } });
    await call(403, 'post', `/api/v4/users/${alice.id}/emails`, { token: alice.token, body: { email: `${unique('x')}@example.org` } });
    await call(403, 'delete', `/api/v4/users/${alice.id}/emails/${given.body.id}`, { token: alice.token });
    await call(204, 'delete', `/api/v4/users/${alice.id}/emails/${given.body.id}`);
  });

  it('token management: own tokens, list, self, revoke, rotate, and impersonation tokens, with their refusals', async () => {
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const mine = await call(201, 'post', '/api/v4/user/personal_access_tokens', { token: alice.token, body: { name: 'k8s', scopes: ['k8s_proxy'] } });
    await call(400, 'post', '/api/v4/user/personal_access_tokens', { token: alice.token, body: { name: 'too much', scopes: ['api'] } });
    await call(200, 'get', '/api/v4/personal_access_tokens', { token: alice.token });
    await call(401, 'get', `/api/v4/personal_access_tokens?user_id=1`, { token: alice.token });
    await call(200, 'get', `/api/v4/personal_access_tokens/${mine.body.id}`, { token: alice.token });
    await call(404, 'get', '/api/v4/personal_access_tokens/999999');
    const spare = await call(201, 'post', `/api/v4/users/${alice.id}/personal_access_tokens`, { body: { name: 'spare', scopes: ['api'] } });
    await call(200, 'get', '/api/v4/personal_access_tokens/self', { token: spare.body.token });
    await call(401, 'get', '/api/v4/personal_access_tokens/self', { token: 'glpat-not-a-token-at-all' });
    const rotated = await call(200, 'post', '/api/v4/personal_access_tokens/self/rotate', { token: spare.body.token });
    await call(401, 'post', '/api/v4/personal_access_tokens/self/rotate', { token: spare.body.token });
    await call(204, 'delete', '/api/v4/personal_access_tokens/self', { token: rotated.body.token });
    await call(401, 'delete', '/api/v4/personal_access_tokens/self', { token: rotated.body.token });
    const again = await call(200, 'post', `/api/v4/personal_access_tokens/${mine.body.id}/rotate`, { token: alice.token, body: { expires_at: inDays(10) } });
    await call(400, 'post', `/api/v4/personal_access_tokens/${mine.body.id}/rotate`, { token: alice.token });
    await call(400, 'delete', `/api/v4/personal_access_tokens/${again.body.id}`, { token: (await createUserWithToken(ctx)).token });
    await call(204, 'delete', `/api/v4/personal_access_tokens/${again.body.id}`, { token: alice.token });
    const impersonation = await call(201, 'post', `/api/v4/users/${alice.id}/impersonation_tokens`, { body: { name: 'support', scopes: ['api'], expires_at: inDays(5) } });
    await call(400, 'post', `/api/v4/users/${alice.id}/impersonation_tokens`, { body: { name: 'no scopes', expires_at: inDays(5) } });
    await call(200, 'get', `/api/v4/users/${alice.id}/impersonation_tokens?state=active`);
    await call(403, 'get', `/api/v4/users/${alice.id}/impersonation_tokens`, { token: alice.token });
    await call(200, 'get', `/api/v4/users/${alice.id}/impersonation_tokens/${impersonation.body.id}`);
    await call(404, 'get', `/api/v4/users/${alice.id}/impersonation_tokens/${mine.body.id}`);
    await call(405, 'post', '/api/v4/personal_access_tokens/self/rotate', { token: impersonation.body.token });
    await call(204, 'delete', `/api/v4/users/${alice.id}/impersonation_tokens/${impersonation.body.id}`);
    await call(404, 'delete', `/api/v4/users/999999/impersonation_tokens/${impersonation.body.id}`);
  });

  it('two-factor and runners: enrol, confirm, disable (admin), create a runner, and their refusals', async () => {
    const user = await createUserWithToken(ctx);
    const started = await call(201, 'post', '/api/v4/user/two_factor/totp', { token: user.token });
    await call(400, 'post', '/api/v4/user/two_factor/totp/confirm', { token: user.token, body: { otp_code: '000000x' } });
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(started.body.secret) }).generate();
    await call(200, 'post', '/api/v4/user/two_factor/totp/confirm', { token: user.token, body: { otp_code: code } });
    await call(400, 'post', '/api/v4/user/two_factor/totp', { token: user.token });
    await call(403, 'patch', `/api/v4/users/${user.id}/disable_two_factor`, { token: user.token });
    await call(204, 'patch', `/api/v4/users/${user.id}/disable_two_factor`);
    await call(400, 'patch', `/api/v4/users/${user.id}/disable_two_factor`);
    await call(201, 'post', '/api/v4/user/runners', { body: { runner_type: 'instance_type', description: 'contract' } });
    await call(400, 'post', '/api/v4/user/runners', { body: { runner_type: 'group_type', group_id: 42 } });
    await call(403, 'post', '/api/v4/user/runners', { token: user.token, body: { runner_type: 'instance_type' } });
  });

  it('following and status: 201, 304, 400, 401, 403, 404; statuses set, cleared and read by username', async () => {
    const bob = await createUserWithToken(ctx, { username: unique('bob') });
    await call(201, 'post', `/api/v4/users/${bob.id}/follow`, { token: alice.token });
    await call(304, 'post', `/api/v4/users/${bob.id}/follow`, { token: alice.token });
    await call(401, 'post', `/api/v4/users/${bob.id}/follow`, { token: null });
    await call(404, 'post', '/api/v4/users/999999/follow', { token: alice.token });
    await call(200, 'get', `/api/v4/users/${bob.id}/followers`, { token: alice.token });
    await call(200, 'get', `/api/v4/users/${alice.id}/following?pagination=keyset&per_page=1`, { token: alice.token });
    await call(400, 'get', `/api/v4/users/${alice.id}/following?pagination=keyset&cursor=not-ours`, { token: alice.token });
    await call(403, 'get', `/api/v4/users/${bob.id}/followers`, { token: null });
    await call(404, 'get', '/api/v4/users/999999/following', { token: alice.token });
    await call(201, 'post', `/api/v4/users/${bob.id}/unfollow`, { token: alice.token });
    await call(304, 'post', `/api/v4/users/${bob.id}/unfollow`, { token: alice.token });
    await call(404, 'post', '/api/v4/users/999999/unfollow', { token: alice.token });
    await call(200, 'get', '/api/v4/user/status', { token: alice.token });
    await call(401, 'get', '/api/v4/user/status', { token: null });
    await call(200, 'put', '/api/v4/user/status', { token: alice.token, body: { emoji: 'coffee', message: 'I crave coffee :coffee:', availability: 'busy', clear_status_after: '1_day' } });
    await call(400, 'put', '/api/v4/user/status', { token: alice.token, body: { emoji: 'not-an-emoji-name' } });
    await call(200, 'patch', '/api/v4/user/status', { token: alice.token, body: { message: 'patched' } });
    await call(400, 'patch', '/api/v4/user/status', { token: alice.token, body: { clear_status_after: '2_days' } });
    await call(200, 'get', `/api/v4/users/${alice.username.toUpperCase()}/status`, { token: null });
    await call(404, 'get', '/api/v4/users/no-such-user-here/status', { token: null });
    expect((await call(200, 'put', '/api/v4/user/status', { token: alice.token, body: {} })).text).toBe('null');
    await call(200, 'get', '/api/v4/user/following_preference', { token: bob.token });
    await call(401, 'get', '/api/v4/user/following_preference', { token: null });
    await call(200, 'put', '/api/v4/user/following_preference', { token: bob.token, body: { enabled_following: false } });
    await call(400, 'put', '/api/v4/user/following_preference', { token: bob.token, body: {} });
  });

  it('user activities: 200 with pagination headers, 400 for a bad date, 401 anonymous, 403 for non-admins', async () => {
    await call(200, 'get', '/api/v4/user/activities?from=2000-01-01&per_page=2');
    await call(400, 'get', '/api/v4/user/activities?from=not-a-date');
    await call(401, 'get', '/api/v4/user/activities', { token: null });
    await call(403, 'get', '/api/v4/user/activities', { token: alice.token });
  });

  it('activity: ingestion, memberships, counts, events and active users, each with a success and its failures', async () => {
    const items = [
      { id: unique('m'), kind: 'membership', user_id: alice.id, source_type: 'Project', source_id: 1, source_name: 'One', access_level: 30 },
      { id: unique('c'), kind: 'contribution', author_id: alice.id, action: 'pushed', project_id: 1, project_visibility: 'public', created_at: '2026-11-02T10:00:00Z', push_data: { commit_count: 1, action: 'pushed', ref_type: 'branch', ref: 'main' } },
      { id: unique('n'), kind: 'contribution', author_id: alice.id, action: 'commented', target_type: 'Note', target_id: 5, created_at: '2026-11-02T11:00:00Z', note: { id: 5, body: 'hi' } },
      { id: unique('u'), kind: 'user_counts', user_id: alice.id, assigned_issues: 1, assigned_merge_requests: 2, review_requested_merge_requests: 3, todos: 4 },
    ];
    await call(201, 'post', '/api/v4/admin/activity/batches', { body: { source: 'contract', items } });
    await call(200, 'post', '/api/v4/admin/activity/batches', { body: { source: 'contract', items } });
    await call(400, 'post', '/api/v4/admin/activity/batches', { body: { source: 'contract', items: [{ ...items[0], id: unique('x'), access_level: 25 }] } });
    await call(401, 'post', '/api/v4/admin/activity/batches', { token: null, body: { source: 'contract', items } });
    await call(403, 'post', '/api/v4/admin/activity/batches', { token: alice.token, body: { source: 'contract', items } });
    await call(200, 'get', `/api/v4/users/${alice.id}/memberships?type=Project`);
    await call(400, 'get', `/api/v4/users/${alice.id}/memberships?type=Group`);
    await call(403, 'get', `/api/v4/users/${alice.id}/memberships`, { token: alice.token });
    await call(404, 'get', '/api/v4/users/999999999/memberships');
    await call(200, 'get', `/api/v4/users/${alice.id}/associations_count`, { token: alice.token });
    await call(401, 'get', `/api/v4/users/${alice.id}/associations_count`, { token: null });
    await call(403, 'get', '/api/v4/users/1/associations_count', { token: alice.token });
    await call(404, 'get', '/api/v4/users/999999999/associations_count');
    await call(200, 'get', '/api/v4/user_counts', { token: alice.token });
    await call(401, 'get', '/api/v4/user_counts', { token: null });
    await call(200, 'get', `/api/v4/users/${alice.username}/events?sort=asc`, { token: null });
    await call(200, 'get', `/api/v4/users/${alice.id}/events`);
    await call(400, 'get', `/api/v4/users/${alice.id}/events?action=eaten`);
    await call(404, 'get', '/api/v4/users/no-such-user-here/events');
    await call(200, 'get', '/api/v4/admin/active_users?period=month');
    await call(400, 'get', '/api/v4/admin/active_users?period=week');
    await call(401, 'get', '/api/v4/admin/active_users', { token: null });
    await call(403, 'get', '/api/v4/admin/active_users', { token: alice.token });
  });

  it('preferences: 200 UserPreferences for GET and PUT, 400 without a preference, 401 anonymous', async () => {
    await call(200, 'get', '/api/v4/user/preferences', { token: alice.token });
    await call(200, 'put', '/api/v4/user/preferences', { token: alice.token, body: { view_diffs_file_by_file: true } });
    await call(400, 'put', '/api/v4/user/preferences', { token: alice.token, body: {} });
    await call(401, 'get', '/api/v4/user/preferences', { token: null });
  });

  it('audit events: list with its pagination headers and one by id; 400, 403 (admins only, not read_user), 404', async () => {
    const list = await eventually(async () => {
      const res = await ctx.http.get('/api/v4/audit_events?per_page=2').set('PRIVATE-TOKEN', ctx.rootToken);
      return (res.body as unknown[]).length > 0 ? res : undefined;
    });
    await call(200, 'get', '/api/v4/audit_events?per_page=2');
    await call(200, 'get', `/api/v4/audit_events/${(list.body as { id: number }[])[0].id}`);
    await call(404, 'get', '/api/v4/audit_events/999999999');
    await call(400, 'get', '/api/v4/audit_events?entity_id=1');
    await call(403, 'get', '/api/v4/audit_events', { token: alice.token });
    await call(200, 'get', '/api/v4/audit_events?pagination=keyset&per_page=1&event_name=user_created');
    await call(400, 'get', '/api/v4/audit_events?pagination=keyset&cursor=bm90LWEtY3Vyc29y');
    await call(200, 'get', `/api/v4/audit_events/export?author_id=1`);
    await call(400, 'get', '/api/v4/audit_events/export?entity_id=1');
    await call(401, 'get', '/api/v4/audit_events/export', { token: null });
    await call(403, 'get', '/api/v4/audit_events/export', { token: alice.token });
    const readUser = await createUserWithToken(ctx, { username: unique('reader'), admin: true }, ['read_user']);
    const refused = await call(403, 'get', '/api/v4/audit_events', { token: readUser.token });
    expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
  });

  it('request headers over 16 KiB: 431 with an error body', async () => {
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Padding', 'x'.repeat(17 * 1024));
    expect(contract.problems('get', '/api/v4/user', res)).toEqual([]);
    expect(res.status).toBe(431);
  });

  it('moderation: true, null and false bodies, Success messages, and the refusals (403, 404, 409)', async () => {
    const target = await createUserWithToken(ctx);
    expect((await call(201, 'post', `/api/v4/users/${target.id}/block`)).text).toBe('true');
    expect((await call(201, 'post', `/api/v4/users/${target.id}/block`)).text).toBe('null');
    await call(403, 'post', `/api/v4/users/${target.id}/deactivate`);
    await call(403, 'post', `/api/v4/users/${target.id}/activate`);
    await call(403, 'post', `/api/v4/users/${target.id}/ban`);
    await call(403, 'post', `/api/v4/users/${target.id}/unban`);
    expect((await call(201, 'post', `/api/v4/users/${target.id}/unblock`)).text).toBe('true');
    expect((await call(201, 'post', `/api/v4/users/${target.id}/unblock`)).text).toBe('false');
    await call(201, 'post', `/api/v4/users/${target.id}/ban`);
    await call(201, 'post', `/api/v4/users/${target.id}/unban`);
    const dormant = await createUserWithToken(ctx);
    expect((await call(201, 'post', `/api/v4/users/${dormant.id}/deactivate`)).text).toBe('true');
    expect((await call(201, 'post', `/api/v4/users/${dormant.id}/deactivate`)).text).toBe('null');
    await call(403, 'post', `/api/v4/users/${dormant.id}/unblock`);
    await call(201, 'post', `/api/v4/users/${dormant.id}/activate`);
    await call(409, 'post', `/api/v4/users/${dormant.id}/approve`);
    await call(409, 'post', `/api/v4/users/${dormant.id}/reject`);
    await call(404, 'post', '/api/v4/users/999999/approve', { token: alice.token });
    await call(404, 'post', '/api/v4/users/999999/block');
    await call(401, 'post', `/api/v4/users/${dormant.id}/ban`, { token: null });
  });

  it('sign-up: 201 pending, approve and reject 201 and 200, 400, 409 and 429', async () => {
    const first = await call(201, 'post', '/api/v4/users/sign_up', { token: null, body: newUser() });
    expect(first.body.state).toBe('blocked_pending_approval');
    expect((await call(201, 'post', `/api/v4/users/${first.body.id}/approve`)).body).toEqual({ message: 'Success' });
    const second = await call(201, 'post', '/api/v4/users/sign_up', { token: null, body: newUser() });
    await call(403, 'post', `/api/v4/users/${second.body.id}/reject`, { token: alice.token });
    expect((await call(200, 'post', `/api/v4/users/${second.body.id}/reject`)).body).toEqual({ message: 'Success' });
    // The limit (2 per window from this address) is spent: even a bad request is refused first.
    await call(429, 'post', '/api/v4/users/sign_up', { token: null, body: newUser() });
  });

  it('then every operation of the document was called, with a success and with a failure', () => {
    const unexercised = contract.operationKeys.filter((key) => {
      const statuses = [...(contract.seen.get(key) ?? [])];
      return !statuses.some((status) => status < 400) || !statuses.some((status) => status >= 400);
    });
    expect(unexercised).toEqual([]);
  });
});

describe('GET /api/v4/docs: Swagger UI served by the service itself, with no request elsewhere', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('openapi_docs');
  });
  afterAll(async () => ctx?.close());

  it('redirects /api/v4/docs to the page, relatively, so that a path prefix survives', async () => {
    const res = await ctx.http.get('/api/v4/docs');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('docs/');
  });

  it('serves the page and every script and stylesheet it loads, all from this service, and the document the page reads', async () => {
    const page = await ctx.http.get('/api/v4/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.text;
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const references = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((match) => match[1]);
    expect(references).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'docs-initializer.js']));
    for (const reference of references) {
      const url = new URL(reference, 'http://docs.invalid/api/v4/docs/').pathname;
      const asset = await ctx.http.get(url).buffer(true).parse(binary);
      expect({ url, status: asset.status }).toEqual({ url, status: 200 });
      const expected = url.endsWith('.js') ? /javascript/ : url.endsWith('.css') ? /^text\/css/ : /^image\/png/;
      expect({ url, type: asset.headers['content-type'] }).toEqual({ url, type: expect.stringMatching(expected) });
      expect((asset.body as Buffer).length).toBeGreaterThan(0);
    }
    const initializer = (await ctx.http.get('/api/v4/docs/docs-initializer.js')).text;
    // The document, relative to the page; and no online validator.
    expect(initializer).toContain("url: '../openapi.json'");
    expect(initializer).toContain('validatorUrl: null');
    expect(initializer).not.toMatch(/https?:\/\//);
    const document = await ctx.http.get(new URL('../openapi.json', 'http://docs.invalid/api/v4/docs/').pathname);
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
  });

  it('keeps the page to its own origin with a Content-Security-Policy', async () => {
    const page = await ctx.http.get('/api/v4/docs/');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('serves nothing else of the package: other paths under /api/v4/docs are the JSON 404', async () => {
    const res = await ctx.http.get('/api/v4/docs/swagger-initializer.js');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
  });
});
