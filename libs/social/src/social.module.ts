import { Module } from '@nestjs/common';

/** Shell for the social context; its endpoints arrive with their own issue. */
@Module({})
export class SocialModule {}
