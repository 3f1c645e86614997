import { ModelInvalidError, NotFoundError } from '@app/kernel';

/** 404 `{"message":"404 Key Not Found"}`: no such key, or not the user's. */
export class SshKeyNotFoundError extends NotFoundError {
  constructor() {
    super('Key', 'credentials.ssh_key_not_found');
  }
}

/** 400 `{"message":{"key":["..."]}}`: GitLab's Key model validations. */
export class SshKeyInvalidError extends ModelInvalidError {
  constructor(errors: Record<string, string[]>) {
    super(errors, 'credentials.ssh_key_invalid');
  }
}

const TAKEN = ['has already been taken'];

/**
 * A key some user already has. The body names the MD5 `fingerprint` and the `key`, as GitLab's
 * API documentation shows, and `fingerprint_sha256`, the attribute newer GitLab reports.
 */
export class SshKeyTakenError extends SshKeyInvalidError {
  constructor() {
    super({ fingerprint: TAKEN, fingerprint_sha256: TAKEN, key: TAKEN });
  }
}
