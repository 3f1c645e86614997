import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AsyncConsumerRegistry, AuditMappingRegistry, ProjectionRegistry } from '@app/eventstore';
import { IdentityCoreModule } from '@app/identity';
import { FollowingPreferenceController } from './api/following-preference.controller.js';
import { FollowsController } from './api/follows.controller.js';
import { UserStatusController } from './api/user-status.controller.js';
import { ChangeFollowHandler } from './application/commands/change-follow/change-follow.handler.js';
import { ClearExpiredStatusHandler } from './application/commands/clear-expired-status/clear-expired-status.handler.js';
import { SetFollowingPreferenceHandler } from './application/commands/set-following-preference/set-following-preference.handler.js';
import { SetUserStatusHandler } from './application/commands/set-user-status/set-user-status.handler.js';
import { StatusExpiryScheduler } from './application/workers/status-expiry.scheduler.js';
import { StatusExpiryWorker } from './application/workers/status-expiry.worker.js';
import { SOCIAL_AUDIT_MAPPING } from './audit/social.audit-mapping.js';
import { FollowGraphProjection } from './infrastructure/follow-graph.projection.js';
import { FollowGraphRepository } from './infrastructure/follow-graph.repository.js';
import { UserStatusesProjection } from './infrastructure/user-statuses.projection.js';
import { UserStatusesRepository } from './infrastructure/user-statuses.repository.js';

/** Social without HTTP: the follow graph and statuses, their commands, read models, audit rows, expiry jobs and scheduler. */
@Module({
  imports: [CqrsModule, IdentityCoreModule],
  providers: [
    FollowGraphProjection,
    UserStatusesProjection,
    FollowGraphRepository,
    UserStatusesRepository,
    ChangeFollowHandler,
    SetFollowingPreferenceHandler,
    SetUserStatusHandler,
    ClearExpiredStatusHandler,
    StatusExpiryScheduler,
    StatusExpiryWorker,
  ],
  exports: [FollowGraphRepository, UserStatusesRepository],
})
export class SocialCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly graph: FollowGraphProjection,
    private readonly statuses: UserStatusesProjection,
    private readonly auditMappings: AuditMappingRegistry,
    private readonly consumers: AsyncConsumerRegistry,
    private readonly expiryScheduler: StatusExpiryScheduler,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.graph);
    this.projections.register(this.statuses);
    this.auditMappings.register(SOCIAL_AUDIT_MAPPING);
    this.consumers.register(this.expiryScheduler);
  }
}

@Module({ imports: [SocialCoreModule, IdentityCoreModule], controllers: [FollowsController, UserStatusController, FollowingPreferenceController], exports: [SocialCoreModule] })
export class SocialModule {}
