/**
 * Credentials' published events: names, payload types, schema versions and stream ids. Other
 * contexts consume credentials' events only through this file; it imports nothing but the kernel
 * and credentials' own event files.
 */
export * from './domain/personal-access-token/personal-access-token.events.js';
export * from './domain/ssh-key/ssh-key.events.js';
export * from './domain/gpg-key/gpg-key.events.js';
export * from './domain/email/email.events.js';
export * from './domain/token-usage/token-usage.events.js';
export * from './domain/two-factor/two-factor.events.js';
export * from './domain/runner/runner.events.js';
