import type { GpgSubkey } from './gpg-key.events.js';

export const GPG_PUBLIC_KEY_BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
export const GPG_PUBLIC_KEY_END = '-----END PGP PUBLIC KEY BLOCK-----';

export const GPG_KEY_INVALID = `is invalid. A valid public GPG key begins with '${GPG_PUBLIC_KEY_BEGIN}' and ends with '${GPG_PUBLIC_KEY_END}'`;

/** GitLab's format rule: one public key block, and nothing before or after it. */
export function isOnePublicKeyBlock(text: string): boolean {
  return text.startsWith(GPG_PUBLIC_KEY_BEGIN) && text.endsWith(GPG_PUBLIC_KEY_END) && text.split(GPG_PUBLIC_KEY_BEGIN).length === 2;
}

/** What reading a submitted key found; the parsed fields are null or empty when it did not import. */
export interface GpgKeyFacts {
  /** The text without surrounding whitespace. */
  text: string;
  textSha256: string;
  fingerprint: string | null;
  primaryKeyId: string | null;
  emails: string[];
  subkeys: GpgSubkey[];
}
