import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import sshpk from 'sshpk';
import { readSshPublicKey } from './ssh-public-key.reader.js';

function opensshKey(type: 'rsa' | 'ed25519' | 'ec', options: Record<string, unknown> = {}): string {
  const { publicKey } = generateKeyPairSync(type as 'rsa', { ...options, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } } as never) as unknown as { publicKey: string };
  // sshpk writes "(unnamed)" as the comment: keep the algorithm and blob only.
  return sshpk.parseKey(publicKey, 'pem').toString('ssh').split(' ').slice(0, 2).join(' ');
}

describe('readSshPublicKey (sshpk)', () => {
  const ed25519 = opensshKey('ed25519');
  const [algorithm, blob] = ed25519.split(' ');

  it('reads type, size and both fingerprints as ssh-keygen computes them from the blob', () => {
    const facts = readSshPublicKey(`${ed25519} me@laptop`);
    const bytes = Buffer.from(blob, 'base64');
    expect(facts).toEqual({
      text: `${algorithm} ${blob} me@laptop`,
      type: 'ed25519',
      bits: 256,
      fingerprintMd5: createHash('md5').update(bytes).digest('hex').match(/../g)!.join(':'),
      fingerprintSha256: createHash('sha256').update(bytes).digest('base64').replace(/=+$/, ''),
    });
  });

  it('joins a blob broken over lines and keeps one word of comment', () => {
    const broken = `  ${algorithm} ${blob.slice(0, 20)}\n${blob.slice(20, 40)} ${blob.slice(40)} first second third\n`;
    expect(readSshPublicKey(broken).text).toBe(`${algorithm} ${blob} first`);
  });

  it('knows RSA and ECDSA sizes', () => {
    expect(readSshPublicKey(opensshKey('rsa', { modulusLength: 2048 }))).toMatchObject({ type: 'rsa', bits: 2048 });
    expect(readSshPublicKey(opensshKey('ec', { namedCurve: 'P-384' }))).toMatchObject({ type: 'ecdsa', bits: 384 });
  });

  it('refuses garbage glued to the blob, a blob under another algorithm name, options, and text', () => {
    for (const text of [`${algorithm} ${blob}xyz`, `ssh-rsa ${blob}`, `no-pty ${ed25519}`, 'hello', '']) {
      expect(readSshPublicKey(text)).toMatchObject({ type: null, fingerprintSha256: null });
    }
  });

  it('reads a security-key (FIDO) ed25519 key, which sshpk itself does not know', () => {
    const wire = (parts: Buffer[]) => Buffer.concat(parts.flatMap((part) => [Buffer.from([0, 0, 0, part.length]), part]));
    const skBlob = wire([Buffer.from('sk-ssh-ed25519@openssh.com'), Buffer.alloc(32, 7), Buffer.from('ssh:')]).toString('base64');
    expect(readSshPublicKey(`sk-ssh-ed25519@openssh.com ${skBlob} yubikey`)).toMatchObject({ type: 'ed25519_sk', bits: 256, text: `sk-ssh-ed25519@openssh.com ${skBlob} yubikey` });
    const truncated = wire([Buffer.from('sk-ssh-ed25519@openssh.com'), Buffer.alloc(31, 7), Buffer.from('ssh:')]).toString('base64');
    expect(readSshPublicKey(`sk-ssh-ed25519@openssh.com ${truncated}`).type).toBeNull();
  });
});
