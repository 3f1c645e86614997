import { Injectable, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ActivityCoreModule, AUDIT_RELAY_ROUTE, AuditWorker } from '@app/activity';
import { CredentialsCoreModule } from '@app/credentials';
import { EventRelay, EventStoreModule, RELAY_ROUTES } from '@app/eventstore';
import { IdentityCoreModule } from '@app/identity';
import { CoreModule, loggerOptions, type AppConfig } from '@app/shared';
import { MIGRATIONS } from '../../../migrations/index.js';

/** Starts the relay and the queue workers; stops them so that jobs in progress finish. */
@Injectable()
export class WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly relay: EventRelay,
    private readonly audit: AuditWorker,
  ) {}

  /** Called once migrations are applied. */
  start(): void {
    this.audit.start();
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.audit.stop();
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
        EventStoreModule,
        IdentityCoreModule,
        CredentialsCoreModule,
        ActivityCoreModule,
      ],
      providers: [EventRelay, { provide: RELAY_ROUTES, useValue: [AUDIT_RELAY_ROUTE] }, WorkerHost],
      exports: [EventRelay, WorkerHost],
    };
  }
}
