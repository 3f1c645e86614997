/** Devise's `email_regexp`: something, one `@`, something, no whitespace. */
export const EMAIL_REGEX = /^[^@\s]+@[^@\s]+$/;

/**
 * The unique constraint that gives each e-mail address (any user's primary or secondary) to one
 * user only. Credentials owns the table; identity meets it when a new primary address is someone
 * else's secondary, and answers its own "Email has already been taken".
 */
export const EMAIL_ADDRESS_OWNER_CONSTRAINT = 'user_emails_one_owner_per_address';
