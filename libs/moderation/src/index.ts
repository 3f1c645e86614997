/** Moderation's Nest modules, commands and jobs. Its events are published by events.ts (`@app/moderation/events`). */
export { ModerationCoreModule, ModerationModule } from './moderation.module.js';
export { ModerateUser, type ModerateUserInput } from './application/commands/moderate-user/moderate-user.command.js';
export { rejectedUserRelayRoute } from './application/workers/rejected-user.worker.js';
export { moderatorRecordRelayRoute } from './application/workers/moderator-record.worker.js';
