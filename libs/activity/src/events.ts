/** Activity's published events: what other contexts may consume. */
export * from './domain/user-activity/user-activity.events.js';
