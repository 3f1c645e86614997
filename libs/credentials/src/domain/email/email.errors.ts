import { ForbiddenError, ModelInvalidError, NotFoundError } from '@app/kernel';

/** 404 `{"message":"404 Email Not Found"}`. */
export class EmailNotFoundError extends NotFoundError {
  constructor() {
    super('Email', 'credentials.email_not_found');
  }
}

/** 404 for a confirmation token that is unknown or used already. */
export class ConfirmationTokenNotFoundError extends NotFoundError {
  constructor() {
    super('Confirmation Token', 'credentials.confirmation_token_not_found');
  }
}

/** 400 `{"message":{"email":["..."]}}`: GitLab's Email model validations. */
export class EmailInvalidError extends ModelInvalidError {
  constructor(errors: Record<string, string[]>) {
    super(errors, 'credentials.email_invalid');
  }
}

/** Some user has this address, as a primary or a secondary one. */
export class EmailTakenError extends EmailInvalidError {
  constructor() {
    super({ email: ['has already been taken'] });
  }
}

/**
 * GitLab's service raises here and its API answers 500; this service refuses with a 403 that
 * says why: the primary address changes through `PUT /users/:id`, not by deleting it.
 */
export class PrimaryEmailNotDeletableError extends ForbiddenError {
  constructor() {
    super('Cannot delete primary email', 'credentials.primary_email_not_deletable');
  }
}
