export { SocialCoreModule, SocialModule } from './social.module.js';
