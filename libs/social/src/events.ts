/**
 * Social's published events: names, payload types and stream ids. Other contexts consume social
 * only through this file (and index.ts); it imports nothing but social's own event files.
 */
export * from './domain/follow/follow.events.js';
export * from './domain/status/user-status.events.js';
