import { createHash } from 'node:crypto';
import sshpk from 'sshpk';
import SSHBuffer from 'sshpk/lib/ssh-buffer.js';
import type { SshKeyType } from '@app/kernel';
import { SSH_KEY_ALGORITHMS, type SshKeyFacts } from '../../domain/ssh-key/ssh-key.rules.js';

interface ParsedKey {
  type: SshKeyType;
  bits: number;
  blob: Buffer;
}

/** sshpk's name of each curve and the algorithm name OpenSSH gives keys on it. */
const SSHPK_ALGORITHM: Record<string, (key: sshpk.Key) => string> = {
  rsa: () => 'ssh-rsa',
  dsa: () => 'ssh-dss',
  ecdsa: (key) => `ecdsa-sha2-${key.curve}`,
  ed25519: () => 'ssh-ed25519',
};

/**
 * Security-key (FIDO) public keys: sshpk does not know these two algorithms, so their wire
 * format (algorithm, key fields, application) is read with sshpk's own field reader; a blob
 * with missing or extra fields is not a key.
 */
function parseSecurityKey(algorithm: string, base64: string): ParsedKey | null {
  const type = SSH_KEY_ALGORITHMS[algorithm];
  if (type !== 'ecdsa_sk' && type !== 'ed25519_sk') return null;
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) return null;
  try {
    const reader = new SSHBuffer({ buffer: blob });
    if (reader.readString() !== algorithm) return null;
    if (type === 'ecdsa_sk') {
      if (reader.readString() !== 'nistp256') return null;
      if (reader.readBuffer().length !== 65) return null;
    } else if (reader.readBuffer().length !== 32) return null;
    reader.readString();
    return reader.atEnd() ? { type, bits: 256, blob } : null;
  } catch {
    return null;
  }
}

/** `<algorithm> <base64>` as a key whose blob declares that same algorithm, or null. */
function parseKey(algorithm: string, base64: string): ParsedKey | null {
  if (!Object.prototype.hasOwnProperty.call(SSH_KEY_ALGORITHMS, algorithm)) return null;
  const securityKey = parseSecurityKey(algorithm, base64);
  if (securityKey) return securityKey;
  try {
    const key = sshpk.parseKey(`${algorithm} ${base64}`, 'ssh');
    const named = SSHPK_ALGORITHM[key.type];
    if (!named || named(key) !== algorithm) return null;
    // The blob must be exactly the key sshpk read: bytes after it (garbage glued to the base64) make it no key.
    const blob = Buffer.from(base64, 'base64');
    if (!key.toBuffer('rfc4253').equals(blob)) return null;
    return { type: SSH_KEY_ALGORITHMS[algorithm], bits: key.size, blob };
  } catch {
    return null;
  }
}

function fingerprints(blob: Buffer): { md5: string; sha256: string } {
  const md5 = createHash('md5').update(blob).digest('hex').replace(/(..)(?!$)/g, '$1:');
  const sha256 = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return { md5, sha256 };
}

/**
 * GitLab's `SSHPublicKey.sanitize` and parse: keep the algorithm word, join the following words
 * without separators until they parse as a key (a blob broken over lines or by spaces comes back
 * whole), then keep at most one more word of comment. Text that never parses is kept as sent
 * (stripped) and has no type, size or fingerprints, so validation refuses it.
 */
export function readSshPublicKey(submitted: string): SshKeyFacts {
  const text = submitted.trim();
  const none: SshKeyFacts = { text, type: null, bits: null, fingerprintMd5: null, fingerprintSha256: null };
  const [algorithm, ...parts] = text.split(/\s+/);
  let base64 = '';
  for (let index = 0; index < parts.length; index++) {
    base64 += parts[index];
    const parsed = parseKey(algorithm, base64);
    if (!parsed) continue;
    const comment = parts[index + 1];
    const { md5, sha256 } = fingerprints(parsed.blob);
    return {
      text: comment === undefined ? `${algorithm} ${base64}` : `${algorithm} ${base64} ${comment}`,
      type: parsed.type,
      bits: parsed.bits,
      fingerprintMd5: md5,
      fingerprintSha256: sha256,
    };
  }
  return none;
}
