import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ActivityModule } from '@app/activity';
import { CredentialsModule } from '@app/credentials';
import { EventStoreModule } from '@app/eventstore';
import { IdentityModule } from '@app/identity';
import { ModerationModule } from '@app/moderation';
import { AuthCache, CallerDirectory, CoreModule, GitlabAuthGuard, GitlabExceptionFilter, HealthController, loggerOptions, type AppConfig } from '@app/shared';
import { SocialModule } from '@app/social';
import { MIGRATIONS } from '../../../migrations/index.js';
import { CallerDirectoryAdapter } from './caller-directory.adapter.js';
import { MetricsController } from './ops/metrics.controller.js';
import { RootBootstrap } from './root-bootstrap.js';

/** The HTTP composition root: every context's controllers, one guard, one error filter. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot({ config, migrations: MIGRATIONS }),
        LoggerModule.forRoot(loggerOptions(config.logLevel)),
        CqrsModule.forRoot(),
        EventStoreModule,
        IdentityModule,
        CredentialsModule,
        SocialModule,
        ModerationModule,
        ActivityModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        AuthCache,
        RootBootstrap,
        { provide: CallerDirectory, useClass: CallerDirectoryAdapter },
        { provide: APP_GUARD, useClass: GitlabAuthGuard },
        { provide: APP_FILTER, useClass: GitlabExceptionFilter },
      ],
    };
  }
}
