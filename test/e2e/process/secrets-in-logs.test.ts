import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cleanUp,
  freePort,
  httpRequest,
  killStartedProcesses,
  poll,
  processTestDatabaseName,
  queryDatabase,
  requireBuiltService,
  serviceEnv,
  ServiceProcess,
  uniqueQueuePrefix,
  type HttpResponse,
} from '../../support/process-harness.js';

const secret = (prefix: string) => `${prefix}${randomBytes(15).toString('base64url')}`;

/** Names the secret and shows the offending lines, instead of dumping the whole output. */
function linesContaining(output: string, value: string): string[] {
  return output.split('\n').filter((line) => line.includes(value));
}

describe('process: secrets never reach the logs of the built service (launcher, API and worker)', () => {
  const databaseName = processTestDatabaseName('secrets');
  const queuePrefix = uniqueQueuePrefix('secrets');
  const rootToken = secret('glpat-proc-');
  let port: number;
  let launcher: ServiceProcess;
  let malformedRequestId: string | string[] | undefined = 'not sent yet';

  beforeAll(async () => {
    requireBuiltService();
    port = await freePort();
    launcher = new ServiceProcess('launcher', 'launcher', serviceEnv({ databaseName, queuePrefix, port, rootToken, logLevel: 'info' }));
    await launcher.waitUntilReady(port);
    await launcher.waitForOutput(/Worker started/);
  }, 90_000);

  afterAll(async () => {
    await killStartedProcesses();
    await cleanUp(databaseName, queuePrefix);
  });

  it('ROOT_PERSONAL_ACCESS_TOKEN set on first boot: that exact string authenticates as root and is printed nowhere', async () => {
    const me = await httpRequest(port, 'GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': rootToken } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 1, username: 'root', is_admin: true });
    // The root was created on this boot, and nothing looking like a token was printed.
    await launcher.waitForOutput(/Created the root admin/);
    expect(linesContaining(launcher.output, rootToken)).toEqual([]);
    expect(linesContaining(launcher.output, 'glpat-')).toEqual([]);
  });

  it('logs JSON lines with request ids, and no token or password sent in headers, query strings or bodies, nor a token issued in a response', async () => {
    const password = secret('Pw!1-');
    const rejectedPassword = secret('Pw!2-');
    const malformedPassword = secret('Pw!3-');
    const formPassword = secret('Pw!4-');
    const wrongToken = secret('glpat-wrong-');
    const responses: HttpResponse[] = [];
    const call = async (method: string, path: string, options: Parameters<typeof httpRequest>[3] = {}) => {
      const response = await httpRequest(port, method, path, options);
      responses.push(response);
      return response;
    };

    // The token in each place a client may put it.
    const byHeader = await call('GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': rootToken, 'X-Request-Id': 'proc-secrets-header' } });
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers['x-request-id']).toBe('proc-secrets-header');
    expect((await call('GET', `/api/v4/user?private_token=${encodeURIComponent(rootToken)}`)).status).toBe(200);
    expect((await call('GET', `/api/v4/users?per_page=5&private_token=${encodeURIComponent(rootToken)}&page=1`)).status).toBe(200);
    expect((await call('GET', '/api/v4/user', { headers: { Authorization: `Bearer ${rootToken}` } })).status).toBe(200);

    // A user with a password, then a token for them: the response carries the new token.
    const username = `procsecret${process.pid}`;
    const created = await call('POST', '/api/v4/users', {
      headers: { 'PRIVATE-TOKEN': rootToken },
      body: { username, email: `${username}@example.org`, name: 'Proc Secret', password, skip_confirmation: true },
    });
    expect(created.status).toBe(201);
    const issued = await call('POST', `/api/v4/users/${created.body.id}/personal_access_tokens`, {
      headers: { 'PRIVATE-TOKEN': rootToken },
      body: { name: 'proc', scopes: ['api'] },
    });
    expect(issued.status).toBe(201);
    const newToken = issued.body.token as string;
    expect(typeof newToken).toBe('string');
    expect(newToken.length).toBeGreaterThan(10);
    const asNewUser = await call('GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': newToken } });
    expect(asNewUser.status).toBe(200);
    expect(asNewUser.body.id).toBe(created.body.id);

    // Failures carry secrets too: a wrong token, a rejected create, a body that is not JSON,
    // a form body with the token in it, and the new token as ?access_token=.
    expect((await call('GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': wrongToken } })).status).toBe(401);
    expect((await call('GET', `/api/v4/user?private_token=${encodeURIComponent(wrongToken)}`)).status).toBe(401);
    const duplicate = await call('POST', '/api/v4/users', {
      headers: { 'PRIVATE-TOKEN': rootToken },
      body: { username, email: `${username}@example.org`, name: 'Again', password: rejectedPassword },
    });
    expect(duplicate.status).toBeGreaterThanOrEqual(400);
    expect(duplicate.status).toBeLessThan(500);
    // Not through call(): see the known gap below (no request id, no log line).
    const malformed = await httpRequest(port, 'POST', '/api/v4/users', {
      headers: { 'PRIVATE-TOKEN': rootToken },
      body: `{"username":"x${username}","password":"${malformedPassword}",`,
    });
    expect(malformed.status).toBe(400);
    malformedRequestId = malformed.headers['x-request-id'];
    const form = await call('POST', '/api/v4/users', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        private_token: rootToken,
        username: `${username}f`,
        email: `${username}f@example.org`,
        name: 'Form',
        password: formPassword,
        skip_confirmation: 'true',
      }).toString(),
    });
    expect(form.status).toBe(201);
    await call('GET', `/api/v4/user?access_token=${encodeURIComponent(newToken)}`);

    // Let the worker process the audit jobs these requests caused, so its logs are in too.
    await poll(
      async () => {
        const rows = await queryDatabase<{ n: string }>(databaseName, 'SELECT count(*)::text AS n FROM activity.audit_events WHERE entity_id = $1', [created.body.id]);
        return Number(rows[0].n) >= 2 ? true : undefined;
      },
      20_000,
      () => 'the audit rows of the new user',
    );
    const exit = await launcher.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });

    const output = launcher.output;
    const secrets = { rootToken, newToken, wrongToken, password, rejectedPassword, malformedPassword, formPassword };
    for (const [name, value] of Object.entries(secrets)) {
      expect({ secret: name, lines: linesContaining(output, value) }).toEqual({ secret: name, lines: [] });
    }
    // URL-encoded forms of the tokens too (they are base64url, so the same, but be explicit).
    for (const value of [rootToken, newToken, wrongToken]) expect(output).not.toContain(encodeURIComponent(value));

    // Every stdout line is a JSON log object; every request line has a request id.
    const lines = launcher.stdout.split('\n').filter((line) => line.trim() !== '');
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, any>;
      } catch {
        return { notJson: line };
      }
    });
    expect(parsed.filter((entry) => 'notJson' in entry || typeof entry !== 'object' || entry === null)).toEqual([]);
    for (const entry of parsed) {
      expect(typeof entry.level).toBe('number');
      expect(typeof entry.msg).toBe('string');
    }
    const requestLines = parsed.filter((entry) => entry.req);
    expect(requestLines.length).toBeGreaterThanOrEqual(responses.length);
    for (const entry of requestLines) expect(typeof entry.req.id === 'string' && entry.req.id.length > 0).toBe(true);

    // Each response echoed its request id, and that id names its log line.
    const loggedIds = new Set(requestLines.map((entry) => entry.req.id as string));
    for (const response of responses) {
      const id = response.headers['x-request-id'];
      expect({ status: response.status, id: typeof id }).toEqual({ status: response.status, id: 'string' });
      expect(loggedIds.has(id as string)).toBe(true);
    }
    // The redacted query strings still show where the token was.
    expect(requestLines.some((entry) => String(entry.req.url).includes('private_token=[REDACTED]'))).toBe(true);
  }, 60_000);

  // The body parsers run after the request logger, so even a body that fails to parse is logged with its id.
  it('a request whose body cannot be parsed is answered with an X-Request-Id that names its log line', () => {
    expect(typeof malformedRequestId).toBe('string');
    const logged = launcher.stdout.split('\n').some((line) => line.includes(`"id":"${String(malformedRequestId)}"`));
    expect(logged).toBe(true);
  });
});
