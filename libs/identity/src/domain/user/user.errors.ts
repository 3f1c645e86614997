import { ConflictError, ModelInvalidError, NotFoundError } from '@app/kernel';

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User', 'identity.user_not_found');
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('Email has already been taken', 'identity.email_taken');
  }
}

export class UsernameTakenError extends ConflictError {
  constructor() {
    super('Username has already been taken', 'identity.username_taken');
  }
}

export class UserInvalidError extends ModelInvalidError {
  constructor(errors: Record<string, string[]>) {
    super(errors, 'identity.user_invalid');
  }
}

/**
 * 400: another user already has this provider's extern_uid (compared case-insensitively). GitLab's
 * `Identity` uniqueness validation message, under the key Rails gives an autosaved association.
 */
export class ExternUidTakenError extends ModelInvalidError {
  constructor() {
    super({ 'identities.extern_uid': ['has already been taken. Please contact your administrator to generate a unique extern_uid / NameID'] }, 'identity.extern_uid_taken');
  }
}

export class IdentityNotFoundError extends NotFoundError {
  constructor() {
    super('Identity', 'identity.identity_not_found');
  }
}
