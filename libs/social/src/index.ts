/** Social's Nest modules and what the worker needs of it. Its events are published by events.ts (`@app/social/events`). */
export { SocialCoreModule, SocialModule } from './social.module.js';
export { statusExpirySweepSchedule } from './application/workers/status-expiry.worker.js';
