/** SSH key events (stream `credentials.user-<id>`). A public key is not a secret: the event keeps it whole. */

export const SSH_KEY_ADDED = 'credentials.ssh_key_added';
export const SSH_KEY_DELETED = 'credentials.ssh_key_deleted';

export type SshKeyUsageType = 'auth' | 'signing' | 'auth_and_signing';

export interface SshKeyAddedData {
  id: number;
  user_id: number;
  /** The owner's username at the time, for the audit row. */
  username: string;
  title: string;
  /** The normalised key: algorithm, base64 blob and at most one comment word. */
  key: string;
  key_type: string;
  bits: number;
  /** Colon-separated lower-case hex. */
  fingerprint_md5: string;
  /** Unpadded base64, without the `SHA256:` prefix (as GitLab stores it). */
  fingerprint_sha256: string;
  usage_type: SshKeyUsageType;
  expires_at: string | null;
  created_at: string;
}

export interface SshKeyDeletedData {
  id: number;
  user_id: number;
  username: string;
  title: string;
  fingerprint_sha256: string;
  deleted_at: string;
}

export type SshKeyEvent =
  | { type: typeof SSH_KEY_ADDED; schemaVersion: 1; data: SshKeyAddedData }
  | { type: typeof SSH_KEY_DELETED; schemaVersion: 1; data: SshKeyDeletedData };

export const SSH_KEY_EVENT_TYPES = [SSH_KEY_ADDED, SSH_KEY_DELETED] as const;
