import { describe, expect, it } from '@jest/globals';
import * as openpgp from 'openpgp';
import { readGpgPublicKey } from './gpg-public-key.reader.js';

describe('readGpgPublicKey (OpenPGP.js)', () => {
  it('reads the fingerprint, key id, e-mails and subkeys in upper-case hex; a private block or garbage has none', async () => {
    const { publicKey, privateKey } = await openpgp.generateKey({
      type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Ada', email: 'ada@example.org' }, { name: 'Ada', email: 'ada@work.example' }], format: 'armored',
    });
    const key = await openpgp.readKey({ armoredKey: publicKey });
    const facts = await readGpgPublicKey(`\n  ${publicKey}  \n`);
    expect(facts).toMatchObject({
      text: publicKey.trim(),
      fingerprint: key.getFingerprint().toUpperCase(),
      primaryKeyId: key.getKeyID().toHex().toUpperCase(),
      emails: ['ada@example.org', 'ada@work.example'],
      subkeys: key.getSubkeys().map((subkey) => ({ keyid: subkey.getKeyID().toHex().toUpperCase(), fingerprint: subkey.getFingerprint().toUpperCase() })),
    });
    expect(facts.textSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readGpgPublicKey(privateKey)).toMatchObject({ fingerprint: null, primaryKeyId: null });
    const garbage = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----';
    expect(await readGpgPublicKey(garbage)).toMatchObject({ text: garbage, fingerprint: null, primaryKeyId: null, subkeys: [] });
  });
});
