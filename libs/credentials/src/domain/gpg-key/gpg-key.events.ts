/** GPG key events (stream `credentials.user-<id>`). A public key is not a secret: the event keeps its armored text. */

export const GPG_KEY_ADDED = 'credentials.gpg_key_added';
export const GPG_KEY_REVOKED = 'credentials.gpg_key_revoked';
export const GPG_KEY_DELETED = 'credentials.gpg_key_deleted';

export interface GpgSubkey {
  /** 16 upper-case hex digits. */
  keyid: string;
  /** 40 upper-case hex digits. */
  fingerprint: string;
}

export interface GpgKeyAddedData {
  id: number;
  user_id: number;
  username: string;
  /** The armored block as submitted, without surrounding whitespace. */
  key: string;
  /** SHA-256 of `key` (hex): the exact text is unique across users, as in GitLab. */
  key_sha256: string;
  fingerprint: string;
  primary_keyid: string;
  /** The e-mail addresses of the key's user ids. */
  emails: string[];
  subkeys: GpgSubkey[];
  created_at: string;
}

/** Revoked (GitLab also marks the key's signatures unverified) or deleted: either way the key is gone. */
export interface GpgKeyRemovedData {
  id: number;
  user_id: number;
  username: string;
  fingerprint: string;
  primary_keyid: string;
  removed_at: string;
}

export type GpgKeyEvent =
  | { type: typeof GPG_KEY_ADDED; schemaVersion: 1; data: GpgKeyAddedData }
  | { type: typeof GPG_KEY_REVOKED | typeof GPG_KEY_DELETED; schemaVersion: 1; data: GpgKeyRemovedData };
