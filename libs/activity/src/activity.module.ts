import { Module, type OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@app/eventstore';
import { AuditEventsController } from './api/audit-events.controller.js';
import { AuditWorker } from './application/workers/audit.worker.js';
import { AuditEventsRepository } from './infrastructure/audit-events.repository.js';
import { UserActivityProjection } from './infrastructure/user-activity.projection.js';

/** The audit worker and repository, for the worker process. */
@Module({
  providers: [AuditEventsRepository, AuditWorker, UserActivityProjection],
  exports: [AuditWorker, AuditEventsRepository],
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

@Module({
  imports: [ActivityCoreModule],
  controllers: [AuditEventsController],
})
export class ActivityModule {}
