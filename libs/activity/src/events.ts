/** Activity's published events: what other contexts may consume. */
export * from './domain/user-activity/user-activity.events.js';
export * from './domain/ingestion/ingestion.events.js';
