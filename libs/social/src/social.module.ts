import { Module, type OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@app/eventstore';
import { UserFollowStatsProjection } from './infrastructure/user-follow-stats.projection.js';

/** The social context's read side: follow counts and preference per user. Its endpoints arrive with their own issue. */
@Module({ providers: [UserFollowStatsProjection] })
export class SocialCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly stats: UserFollowStatsProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.stats);
  }
}

@Module({ imports: [SocialCoreModule], exports: [SocialCoreModule] })
export class SocialModule {}
