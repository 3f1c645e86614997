import { Module, type OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@app/eventstore';
import { CallerActivity } from '@app/shared';
import { AuditEventsController } from './api/audit-events.controller.js';
import { UserActivitiesController } from './api/user-activities.controller.js';
import { ActivityTracker } from './application/activity/activity-tracker.js';
import { ActivityWorker } from './application/workers/activity.worker.js';
import { AuditWorker } from './application/workers/audit.worker.js';
import { AuditEventsRepository } from './infrastructure/audit-events.repository.js';
import { LastActivityLookup } from './infrastructure/last-activity.lookup.js';
import { UserActivitiesRepository } from './infrastructure/user-activities.repository.js';
import { UserActivityProjection } from './infrastructure/user-activity.projection.js';

/** Activity's projections, query port and job handlers, for both processes. */
@Module({
  providers: [AuditEventsRepository, AuditWorker, ActivityWorker, UserActivityProjection, LastActivityLookup],
  exports: [AuditWorker, AuditEventsRepository, LastActivityLookup],
})
export class ActivityCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly userActivity: UserActivityProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.userActivity);
  }
}

/** The API's part: the audit and user-activity endpoints, and the tracker the auth guard tells of every authenticated request. */
@Module({
  imports: [ActivityCoreModule],
  controllers: [AuditEventsController, UserActivitiesController],
  providers: [ActivityTracker, UserActivitiesRepository, { provide: CallerActivity, useExisting: ActivityTracker }],
  exports: [ActivityCoreModule, CallerActivity],
})
export class ActivityModule {}
