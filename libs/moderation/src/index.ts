export { ModerationCoreModule, ModerationModule } from './moderation.module.js';
