import { Module } from '@nestjs/common';
import { AvatarsController } from './api/avatars.controller.js';
import { AvatarStore } from './infrastructure/avatar-store.js';

/** Avatar bytes in PostgreSQL, for the user command handlers and the file route. */
@Module({
  providers: [AvatarStore],
  exports: [AvatarStore],
})
export class AvatarsCoreModule {}

/** `GET /uploads/-/system/user/avatar/:id/:filename`. */
export const AVATAR_CONTROLLERS = [AvatarsController];
