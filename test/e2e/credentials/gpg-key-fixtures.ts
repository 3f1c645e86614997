import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';

export const BEGIN_PUBLIC = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
export const END_PUBLIC = '-----END PGP PUBLIC KEY BLOCK-----';

/** A key made here by OpenPGP.js, with the facts computed here (never taken from the server). */
export interface GeneratedGpgKey {
  publicKey: string;
  privateKey: string;
  /** 40 upper-case hex digits. */
  fingerprint: string;
  /** 16 upper-case hex digits. */
  keyId: string;
  emails: string[];
  subkeys: { keyid: string; fingerprint: string }[];
}

/** What this file reads from an armored key: fingerprint, key id, e-mails and subkeys, upper-case hex. */
export async function factsOf(armoredKey: string): Promise<Omit<GeneratedGpgKey, 'publicKey' | 'privateKey'>> {
  const key = await openpgp.readKey({ armoredKey });
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    emails: key.users.map((user) => user.userID?.email ?? '').filter((email) => email !== ''),
    subkeys: key.getSubkeys().map((subkey) => ({ keyid: subkey.getKeyID().toHex().toUpperCase(), fingerprint: subkey.getFingerprint().toUpperCase() })),
  };
}

export interface GpgKeyOptions {
  type?: 'ecc' | 'rsa';
  /** E-mails of the user ids (default: one). */
  emails?: string[];
  /** Subkeys beyond the primary (default: one encryption subkey, as OpenPGP.js makes). */
  subkeys?: { sign?: boolean }[];
}

let counter = 0;

/** A fresh key pair: Ed25519 (legacy ECC, what `gpg --quick-gen-key` makes) or RSA 2048. */
export async function generateGpgKey(options: GpgKeyOptions = {}): Promise<GeneratedGpgKey> {
  counter += 1;
  const emails = options.emails ?? [`gpg${process.pid}x${counter}@example.org`];
  const userIDs = emails.map((email, index) => ({ name: `Fixture ${index + 1}`, email }));
  const algorithm: Partial<openpgp.KeyOptions> = options.type === 'rsa' ? { type: 'rsa', rsaBits: 2048 } : { type: 'ecc', curve: 'ed25519Legacy' };
  const keyOptions: openpgp.KeyOptions = { ...algorithm, userIDs, ...(options.subkeys ? { subkeys: options.subkeys } : {}) };
  const { publicKey, privateKey } = await openpgp.generateKey({ ...keyOptions, format: 'armored' });
  return { publicKey, privateKey, ...(await factsOf(publicKey)) };
}

/** The public half of `privateKey` carrying a revocation signature. */
export async function revokedPublicKey(privateKey: string): Promise<string> {
  const { publicKey } = await openpgp.revokeKey({ key: await openpgp.readPrivateKey({ armoredKey: privateKey }), format: 'armored' });
  return publicKey;
}

/** The same key, armored again by OpenPGP.js with a "Comment:" header: other text, same fingerprint. */
export async function withCommentHeader(publicKey: string, comment = 'armored again'): Promise<string> {
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return key.armor({ ...openpgp.config, showComment: true, commentString: comment });
}

/** The same armored key with its base64 body wrapped at `width` columns instead of OpenPGP.js's 60. */
export function rewrapped(publicKey: string, width = 44): string {
  const lines = publicKey.trim().split('\n');
  const blank = lines.indexOf('');
  const end = lines.indexOf(END_PUBLIC);
  const checksumAt = lines.findIndex((line, index) => index > blank && line.startsWith('='));
  const bodyEnd = checksumAt === -1 ? end : checksumAt;
  const body = lines.slice(blank + 1, bodyEnd).join('');
  const wrapped = body.match(new RegExp(`.{1,${width}}`, 'g'))!;
  return [...lines.slice(0, blank + 1), ...wrapped, ...lines.slice(bodyEnd)].join('\n');
}

/** The base64 lines of an armored block (no headers, no checksum): what must never be copied into logs or audit rows. */
export function bodyLinesOf(armored: string): string[] {
  return armored
    .trim()
    .split('\n')
    .filter((line) => /^[A-Za-z0-9+/]{40,}={0,2}$/.test(line));
}

/** A well-framed public key block whose body is random bytes: it does not parse. */
export function randomArmoredBlock(): string {
  const body = randomBytes(180).toString('base64').match(/.{1,60}/g)!;
  return [BEGIN_PUBLIC, '', ...body, END_PUBLIC].join('\n');
}

