import { Module, type OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@app/eventstore';
import { UserStatesProjection } from './infrastructure/user-states.projection.js';

/** The moderation context's read side: every user's state. Its endpoints arrive with their own issue. */
@Module({ providers: [UserStatesProjection] })
export class ModerationCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly states: UserStatesProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.states);
  }
}

@Module({ imports: [ModerationCoreModule], exports: [ModerationCoreModule] })
export class ModerationModule {}
