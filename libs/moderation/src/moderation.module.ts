import { Module } from '@nestjs/common';

/** Shell for the moderation context; its endpoints arrive with their own issue. */
@Module({})
export class ModerationModule {}
