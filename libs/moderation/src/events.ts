/** Moderation's published events: what other contexts may consume. Imports only the kernel and moderation's own event files. */
export * from './domain/user-state/user-state.events.js';
