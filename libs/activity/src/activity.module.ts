import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditMappingRegistry, ProjectionRegistry } from '@app/eventstore';
import { IdentityCoreModule } from '@app/identity';
import { CallerActivity } from '@app/shared';
import { ActiveUsersController } from './api/active-users.controller.js';
import { ActivityIngestionController } from './api/activity-ingestion.controller.js';
import { AuditEventsController } from './api/audit-events.controller.js';
import { UserActivitiesController } from './api/user-activities.controller.js';
import { UserCountsController } from './api/user-counts.controller.js';
import { UserEventsController } from './api/user-events.controller.js';
import { UserMembershipsController } from './api/user-memberships.controller.js';
import { ActivityTracker } from './application/activity/activity-tracker.js';
import { IngestActivityHandler } from './application/commands/ingest-activity/ingest-activity.handler.js';
import { ActiveUsersRollupWorker } from './application/workers/active-users-rollup.worker.js';
import { ActivityWorker } from './application/workers/activity.worker.js';
import { AuditWorker } from './application/workers/audit.worker.js';
import { ACTIVITY_AUDIT_MAPPING } from './audit/activity.audit-mapping.js';
import { ActiveUsersRepository } from './infrastructure/active-users.repository.js';
import { ActivityMetrics } from './infrastructure/activity-metrics.js';
import { AuditEventsRepository } from './infrastructure/audit-events.repository.js';
import { ContributionEventsRepository } from './infrastructure/contribution-events.repository.js';
import { IngestedActivityProjection } from './infrastructure/ingested-activity.projection.js';
import { IngestedItemsRepository } from './infrastructure/ingested-items.repository.js';
import { LastActivityLookup } from './infrastructure/last-activity.lookup.js';
import { MembershipsRepository } from './infrastructure/memberships.repository.js';
import { UserActivitiesRepository } from './infrastructure/user-activities.repository.js';
import { UserActivityProjection } from './infrastructure/user-activity.projection.js';
import { UserCountsRepository } from './infrastructure/user-counts.repository.js';

/** Activity's projections, commands, query ports, audit rows and job handlers, for both processes. */
@Module({
  imports: [CqrsModule, IdentityCoreModule],
  providers: [
    AuditEventsRepository,
    AuditWorker,
    ActivityWorker,
    ActiveUsersRollupWorker,
    ActiveUsersRepository,
    UserActivityProjection,
    IngestedActivityProjection,
    IngestedItemsRepository,
    IngestActivityHandler,
    LastActivityLookup,
    ActivityMetrics,
  ],
  exports: [AuditWorker, AuditEventsRepository, LastActivityLookup, ActiveUsersRepository],
})
export class ActivityCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly auditMappings: AuditMappingRegistry,
    private readonly userActivity: UserActivityProjection,
    private readonly ingested: IngestedActivityProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.userActivity);
    this.registry.register(this.ingested);
    this.auditMappings.register(ACTIVITY_AUDIT_MAPPING);
  }
}

/** The API's part: the audit, activity, membership, count and event endpoints, and the tracker the auth guard tells of every authenticated request. */
@Module({
  imports: [ActivityCoreModule, IdentityCoreModule],
  controllers: [
    AuditEventsController,
    UserActivitiesController,
    ActivityIngestionController,
    UserMembershipsController,
    UserCountsController,
    UserEventsController,
    ActiveUsersController,
  ],
  providers: [
    ActivityTracker,
    UserActivitiesRepository,
    MembershipsRepository,
    UserCountsRepository,
    ContributionEventsRepository,
    { provide: CallerActivity, useExisting: ActivityTracker },
  ],
  exports: [ActivityCoreModule, CallerActivity],
})
export class ActivityModule {}
