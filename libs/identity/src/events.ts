/**
 * Identity's published events: names, payload types, schema versions and stream ids. Other
 * contexts consume identity only through this file (and its index.ts for queries); it imports
 * nothing but the kernel and identity's own event files.
 */
export * from './domain/user/user.events.js';
export * from './domain/user/user-lifecycle.events.js';
export * from './domain/custom-attribute/custom-attribute.events.js';
