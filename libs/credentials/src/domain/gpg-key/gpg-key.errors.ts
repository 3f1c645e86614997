import { ModelInvalidError, NotFoundError } from '@app/kernel';

/** 404 `{"message":"404 GPG Key Not Found"}`: no such key, or not the user's. */
export class GpgKeyNotFoundError extends NotFoundError {
  constructor() {
    super('GPG Key', 'credentials.gpg_key_not_found');
  }
}

/** 400 `{"message":{"key":["..."]}}`: GitLab's GpgKey model validations. */
export class GpgKeyInvalidError extends ModelInvalidError {
  constructor(errors: Record<string, string[]>) {
    super(errors, 'credentials.gpg_key_invalid');
  }
}

const TAKEN = ['has already been taken'];

/** Some user has this exact armored text. */
export class GpgKeyTextTakenError extends GpgKeyInvalidError {
  constructor() {
    super({ key: TAKEN });
  }
}

/** Some user has this key under another armoring (same fingerprint and key id). */
export class GpgKeyFingerprintTakenError extends GpgKeyInvalidError {
  constructor() {
    super({ fingerprint: TAKEN, primary_keyid: TAKEN });
  }
}
