import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';
import { isOnePublicKeyBlock, type GpgKeyFacts } from '../../domain/gpg-key/gpg-key.rules.js';

/**
 * Reads an armored public key with OpenPGP.js: fingerprint and primary key id (upper-case hex,
 * as GitLab shows them), the user ids' e-mail addresses and the subkeys. Text that is not one
 * public key block, or that OpenPGP.js cannot read, has no parsed fields; validation refuses it.
 */
export async function readGpgPublicKey(submitted: string): Promise<GpgKeyFacts> {
  const text = submitted.trim();
  const facts: GpgKeyFacts = { text, textSha256: createHash('sha256').update(text, 'utf8').digest('hex'), fingerprint: null, primaryKeyId: null, emails: [], subkeys: [] };
  if (!isOnePublicKeyBlock(text)) return facts;
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: text });
  } catch {
    return facts;
  }
  if (key.isPrivate()) return facts;
  const emails = key.users.map((user) => user.userID?.email).filter((email): email is string => typeof email === 'string' && email !== '');
  return {
    ...facts,
    fingerprint: key.getFingerprint().toUpperCase(),
    primaryKeyId: key.getKeyID().toHex().toUpperCase(),
    emails: [...new Set(emails)],
    subkeys: key.getSubkeys().map((subkey) => ({ keyid: subkey.getKeyID().toHex().toUpperCase(), fingerprint: subkey.getFingerprint().toUpperCase() })),
  };
}
