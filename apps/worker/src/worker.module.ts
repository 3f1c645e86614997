import { Injectable, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ActivityCoreModule, activeUsersRollupSchedule, auditReconcileSchedule, auditRelayRoute } from '@app/activity';
import { CredentialsCoreModule, emailConfirmationRelayRoute } from '@app/credentials';
import { AsyncConsumerRunner, AuditMappingRegistry, chainVerificationSchedule, EventRelay, EventStoreModule, RELAY_ROUTES } from '@app/eventstore';
import { IdentityCoreModule } from '@app/identity';
import { ModerationCoreModule, moderatorRecordRelayRoute, rejectedUserRelayRoute } from '@app/moderation';
import { SocialCoreModule, statusExpirySweepSchedule } from '@app/social';
import { APP_CONFIG, CoreModule, JOB_SCHEDULES, loggerOptions, type AppConfig } from '@app/shared';
import { MIGRATIONS } from '../../../migrations/index.js';
import { QueueWorkers } from './queue-workers.js';
import { WorkerMetricsServer } from './worker-metrics-server.js';

/**
 * Starts the relay, the queue workers and the asynchronous consumers; stops them so that the
 * jobs and batches in progress finish.
 */
@Injectable()
export class WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly relay: EventRelay,
    private readonly queues: QueueWorkers,
    private readonly consumers: AsyncConsumerRunner,
  ) {}

  /** Called once migrations are applied. */
  start(): void {
    this.queues.start();
    this.consumers.start();
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await Promise.all([this.consumers.stop(), this.queues.stop()]);
  }
}

/**
 * The worker process, built from the same context modules as the API (without HTTP):
 * their projections are registered, so the rebuild command can replay them.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({ config, migrations: MIGRATIONS, poolSize: 10 }),
        LoggerModule.forRoot(loggerOptions(config.logLevel)),
        CqrsModule.forRoot(),
        DiscoveryModule,
        EventStoreModule,
        IdentityCoreModule,
        CredentialsCoreModule,
        ModerationCoreModule,
        SocialCoreModule,
        ActivityCoreModule,
      ],
      providers: [
        EventRelay,
        QueueWorkers,
        WorkerHost,
        WorkerMetricsServer,
        // What the worker enqueues by itself; checked at boot against the job handlers.
        { provide: RELAY_ROUTES, inject: [AuditMappingRegistry], useFactory: (audit: AuditMappingRegistry) => [auditRelayRoute(audit), rejectedUserRelayRoute, moderatorRecordRelayRoute, emailConfirmationRelayRoute] },
        { provide: JOB_SCHEDULES, inject: [APP_CONFIG], useFactory: (config: AppConfig) => [auditReconcileSchedule(config), statusExpirySweepSchedule(config), activeUsersRollupSchedule(config), chainVerificationSchedule(config)] },
      ],
      exports: [EventRelay, QueueWorkers, WorkerHost, WorkerMetricsServer],
    };
  }
}
