/**
 * The pure kernel: types and errors every layer may use, including domain/ and the events-only
 * entry points of the contexts. It imports nothing outside this folder (the lint checks it).
 */
export * from './errors/domain-error.js';
export * from './events/event-metadata.js';
export * from './events/event.types.js';
export * from './events/upcaster.js';
export * from './audit/audit-mapping.js';
export * from './commands/decider.js';
export * from './events/user-lifecycle.js';
export * from './users/user-types.js';
export * from './credentials/ssh-key-types.js';
export * from './users/email-address.js';
