import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SshKeysRepository } from '../../../libs/credentials/src/infrastructure/ssh/ssh-keys.repository.js';
import { newSshPublicKey } from '../../support/ssh-keys.js';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** What an SSH front end asks: whose key is this fingerprint. An expired key stops counting at its expiry, to the millisecond. */
describe('SSH keys: an expired key stops counting at its expiry', () => {
  let ctx: TestContext;
  let user: CreatedUser;
  let keys: SshKeysRepository;

  beforeAll(async () => {
    ctx = await startTestApp('ssh-key-expiry');
    user = await createUserWithToken(ctx, {}, ['api']);
    keys = ctx.api.get(SshKeysRepository);
  });
  afterAll(async () => ctx?.close());

  const add = async (body: Record<string, unknown>) => {
    const res = await ctx.http.post('/api/v4/user/keys').set('PRIVATE-TOKEN', user.token).send({ title: 'k', key: newSshPublicKey(), ...body });
    expect(res.status).toBe(201);
    const [row] = await ctx.db.query<{ fingerprint_sha256: string; expires_at: Date | null }>('SELECT fingerprint_sha256, expires_at FROM credentials.ssh_keys WHERE id = $1', [res.body.id]);
    return row;
  };

  it('counts until the expiry and not from it; a key without expiry always counts; a signing-only key never authenticates', async () => {
    const expiring = await add({ expires_at: '2031-06-01T12:00:00Z' });
    expect(await keys.activeOwnerOfFingerprint(expiring.fingerprint_sha256, new Date('2031-06-01T11:59:59.999Z'))).toBe(user.id);
    expect(await keys.activeOwnerOfFingerprint(expiring.fingerprint_sha256, new Date('2031-06-01T12:00:00.000Z'))).toBeNull();
    // It still holds its fingerprint: no one else may add the key while it exists.
    expect(await keys.ownerOfFingerprint(expiring.fingerprint_sha256)).toBe(user.id);

    const lasting = await add({});
    expect(await keys.activeOwnerOfFingerprint(lasting.fingerprint_sha256, new Date('2099-01-01T00:00:00Z'))).toBe(user.id);
    const signing = await add({ usage_type: 'signing' });
    expect(await keys.activeOwnerOfFingerprint(signing.fingerprint_sha256, new Date())).toBeNull();
  });
});
