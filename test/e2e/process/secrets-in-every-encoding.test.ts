import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpRequest, queryDatabase, startService, type RunningService } from '../../support/process-harness.js';

const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;
const ROOT = secret('glpat-enc-root-');

/** Percent-encodes every character of `name`, as a client (or an attacker dodging a filter) may. */
const fullyEncoded = (name: string) => [...name].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

/** A multipart/form-data body with these fields, built by hand so that nothing normalises it. */
function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = `----secrets${randomBytes(6).toString('hex')}`;
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return { body: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('process: a secret sent in any encoding never reaches the logs (debug level, API and worker)', () => {
  let service: RunningService;
  let port: number;
  const secrets: Record<string, string> = {};
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    service = await startService('secretenc', { rootToken: ROOT, logLevel: 'debug' });
    port = service.port;
  }, 90_000);

  afterAll(async () => service?.stop());

  it('authenticates with the token however its parameter name is encoded, and creates users with passwords sent every way', async () => {
    const call = async (label: string, method: string, path: string, options: Parameters<typeof httpRequest>[3] = {}) => {
      statuses[label] = (await httpRequest(port, method, path, options)).status;
    };
    const token = encodeURIComponent(ROOT);
    // The token as a query parameter under each spelling the server decodes to private_token.
    await call('private_token plain', 'GET', `/api/v4/user?private_token=${token}`);
    await call('private%5Ftoken', 'GET', `/api/v4/user?private%5Ftoken=${token}`);
    await call('%70rivate_token', 'GET', `/api/v4/user?%70rivate_token=${token}`);
    await call('private_token fully encoded', 'GET', `/api/v4/user?${fullyEncoded('private_token')}=${token}`);
    await call('PRIVATE_TOKEN', 'GET', `/api/v4/user?PRIVATE_TOKEN=${token}`);
    await call('access_token', 'GET', `/api/v4/user?access_token=${token}`);
    await call('header', 'GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': ROOT } });
    await call('bearer', 'GET', '/api/v4/user', { headers: { Authorization: `Bearer ${ROOT}` } });

    const user = (n: number) => ({ username: `enc${n}`, email: `enc${n}@example.org`, name: `Enc ${n}`, skip_confirmation: 'true' });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    secrets.queryPassword = secret('Pw!q-');
    await call('password in query, encoded name', 'POST', `/api/v4/users?pass%77ord=${encodeURIComponent(secrets.queryPassword)}`, { headers: { 'PRIVATE-TOKEN': ROOT }, body: user(1) });
    secrets.formPassword = secret('Pw!f-');
    await call('password and token in a form body', 'POST', '/api/v4/users', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ ...user(2), password: secrets.formPassword, private_token: ROOT }),
    });
    secrets.encodedFormPassword = secret('Pw!e-');
    await call('password and token in a form body, encoded names', 'POST', '/api/v4/users', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${form(user(3))}&pass%77ord=${encodeURIComponent(secrets.encodedFormPassword)}&private%5Ftoken=${token}`,
    });
    secrets.jsonPassword = secret('Pw!j-');
    await call('password and token in JSON', 'POST', '/api/v4/users', { body: { ...user(4), password: secrets.jsonPassword, private_token: ROOT } });
    secrets.multipartPassword = secret('Pw!m-');
    const parts = multipart({ ...user(5), password: secrets.multipartPassword, private_token: ROOT });
    await call('password and token in multipart', 'POST', '/api/v4/users', { headers: { 'Content-Type': parts.contentType }, body: parts.body });
    secrets.rejectedPassword = secret('Pw!r-');
    await call('a refused create (taken username)', 'POST', '/api/v4/users', { headers: { 'PRIVATE-TOKEN': ROOT }, body: { ...user(1), email: 'other@example.org', password: secrets.rejectedPassword } });
    secrets.updatedPassword = secret('Pw!u-');
    await call('password change', 'PUT', `/api/v4/users/2?password=${encodeURIComponent(secrets.updatedPassword)}`, { headers: { 'PRIVATE-TOKEN': ROOT }, body: {} });
    const issued = await httpRequest(port, 'POST', '/api/v4/users/2/personal_access_tokens', { headers: { 'PRIVATE-TOKEN': ROOT }, body: { name: 'enc', scopes: ['api'] } });
    expect(issued.status).toBe(201);
    secrets.issuedToken = issued.body.token;
    await call('issued token in the query', 'GET', `/api/v4/user?private%5Ftoken=${encodeURIComponent(secrets.issuedToken)}`);
    await call('issued token, wrong parameter case', 'GET', `/api/v4/user?Private_Token=${encodeURIComponent(secrets.issuedToken)}`);

    expect(statuses).toEqual({
      'private_token plain': 200,
      'private%5Ftoken': 200,
      '%70rivate_token': 200,
      'private_token fully encoded': 200,
      PRIVATE_TOKEN: 401,
      access_token: 401,
      header: 200,
      bearer: 200,
      'password in query, encoded name': 201,
      'password and token in a form body': 201,
      'password and token in a form body, encoded names': 201,
      'password and token in JSON': 201,
      'password and token in multipart': 201,
      'a refused create (taken username)': 409,
      'password change': 200,
      'issued token in the query': 200,
      'issued token, wrong parameter case': 401,
    });
  }, 60_000);

  it('no secret, raw or percent-encoded, is anywhere in the log, the event log or the audit rows', async () => {
    const launcher = service.child;
    const stored = await queryDatabase<{ text: string }>(
      service.databaseName,
      `SELECT data::text || metadata::text AS text FROM es_events UNION ALL SELECT details::text FROM activity.audit_events`,
    );
    const exit = await launcher.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const everything = { log: launcher.output, database: stored.map((row) => row.text).join('\n') };
    const all = { ...secrets, root: ROOT };
    for (const [where, text] of Object.entries(everything)) {
      for (const [name, value] of Object.entries(all)) {
        const found = [value, encodeURIComponent(value)].filter((form) => text.includes(form));
        expect({ where, secret: name, found }).toEqual({ where, secret: name, found: [] });
      }
    }
    // The log still shows where the token was sent, with its value replaced.
    expect(launcher.output).toContain('private%5Ftoken=[REDACTED]');
    expect(launcher.output).toContain('pass%77ord=[REDACTED]');
  }, 60_000);
});
