import { Module } from '@nestjs/common';
import { AuditEventsController } from './api/audit-events.controller.js';
import { AuditWorker } from './application/workers/audit.worker.js';
import { AuditEventsRepository } from './infrastructure/audit-events.repository.js';

/** The audit worker and repository, for the worker process. */
@Module({
  providers: [AuditEventsRepository, AuditWorker],
  exports: [AuditWorker, AuditEventsRepository],
})
export class ActivityCoreModule {}

@Module({
  imports: [ActivityCoreModule],
  controllers: [AuditEventsController],
})
export class ActivityModule {}
