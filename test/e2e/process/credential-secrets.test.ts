import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import * as OTPAuth from 'otpauth';
import { httpRequest, poll, queryDatabase, REDIS_URL, startService, type RunningService } from '../../support/process-harness.js';
import { databaseUrl } from '../../support/test-database.js';
import { newGpgPublicKey } from '../../support/gpg-keys.js';
import { newSshPublicKey } from '../../support/ssh-keys.js';

const ROOT = `glpat-secrets-${randomBytes(12).toString('hex')}`;

/** Every value of every key under the service's queue prefix, as text. */
async function redisContents(prefix: string): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    const parts: string[] = [];
    for (const key of await redis.keys(`${prefix}*`)) {
      const type = await redis.type(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('process: no plaintext credential secret is stored or logged anywhere (database dump, events, Redis, logs)', () => {
  let service: RunningService;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    service = await startService('credsecrets', { rootToken: ROOT, logLevel: 'debug' });
  }, 90_000);
  afterAll(async () => service?.stop());

  const call = async (method: string, path: string, body?: unknown, token = ROOT) => {
    const res = await httpRequest(service.port, method, path, { headers: { 'PRIVATE-TOKEN': token }, body });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status} ${res.text}`);
    return res.body;
  };

  it('creates every kind of credential, then finds none of their secrets in pg_dump, Redis or the logs', async () => {
    secrets.password = `Pw!${randomBytes(10).toString('hex')}`;
    const user = await call('POST', '/api/v4/users', { username: 'sec', email: 'sec@example.org', name: 'Sec', password: secrets.password, skip_confirmation: true });
    const pat = await call('POST', `/api/v4/users/${user.id}/personal_access_tokens`, { name: 'pat', scopes: ['api'] });
    secrets.pat = pat.token;
    secrets.ownToken = (await call('POST', '/api/v4/user/personal_access_tokens', { name: 'own', scopes: ['self_rotate'] }, pat.token)).token;
    secrets.rotated = (await call('POST', `/api/v4/personal_access_tokens/${pat.id}/rotate`, undefined, pat.token)).token;
    secrets.impersonation = (await call('POST', `/api/v4/users/${user.id}/impersonation_tokens`, { name: 'imp', scopes: ['api'], expires_at: new Date(Date.now() + 86_400_000 * 3).toISOString().slice(0, 10) })).token;
    secrets.runner = (await call('POST', '/api/v4/user/runners', { runner_type: 'instance_type' })).token;
    await call('POST', '/api/v4/user/keys', { title: 'k', key: newSshPublicKey() }, secrets.rotated);
    await call('POST', '/api/v4/user/gpg_keys', { key: await newGpgPublicKey('sec@example.org') }, secrets.rotated);
    const email = await call('POST', '/api/v4/user/emails', { email: 'sec.two@example.org' }, secrets.rotated);
    const [{ value }] = await queryDatabase<{ value: string }>(service.databaseName, "SELECT value FROM credentials.instance_secrets WHERE name = 'email_confirmation'");
    secrets.confirmation = createHmac('sha256', value).update(`email-confirmation:${email.id}`).digest('base64url');
    const enrolment = await call('POST', '/api/v4/user/two_factor/totp', undefined, secrets.rotated);
    secrets.totp = enrolment.secret;
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.secret) }).generate();
    const confirmed = await call('POST', '/api/v4/user/two_factor/totp/confirm', { otp_code: code }, secrets.rotated);
    (confirmed.recovery_codes as string[]).forEach((recovery, index) => (secrets[`recovery${index}`] = recovery));

    // The worker has mailed (logged, no SMTP here) the confirmation and written the audit rows.
    await poll(async () => (service.child.output.includes('Mail not sent') ? true : undefined), 20_000, () => 'the confirmation mail in the log');
    await poll(
      async () => ((await queryDatabase(service.databaseName, "SELECT 1 FROM activity.audit_events WHERE event_name = 'user_enable_two_factor'")).length > 0 ? true : undefined),
      20_000,
      () => 'the audit row of the last change',
    );
    await call('POST', '/api/v4/user/emails/confirmation', { confirmation_token: secrets.confirmation }, secrets.rotated);

    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', databaseUrl(service.databaseName)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain('credentials.personal_access_token_created');
    const redis = await redisContents(service.queuePrefix);
    expect(redis.length).toBeGreaterThan(0);
    const logs = service.child.output;
    expect(logs).toContain('confirmation_token=');
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, inDump: dump.includes(secret), inRedis: redis.includes(secret), inLogs: logs.includes(secret) }).toEqual({ name, inDump: false, inRedis: false, inLogs: false });
    }
  }, 120_000);
});
