import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ActivityModule } from '@app/activity';
import { CredentialsModule } from '@app/credentials';
import { EventStoreModule } from '@app/eventstore';
import { IdentityModule } from '@app/identity';
import { ModerationModule } from '@app/moderation';
import { APP_CONFIG, AuthCache, AuthCacheInvalidator, CallerDirectory, CoreModule, GitlabAuthGuard, GitlabExceptionFilter, HealthController, loggerOptions, type AppConfig } from '@app/shared';
import { SocialModule } from '@app/social';
import { MIGRATIONS } from '../../../migrations/index.js';
import { readRequest } from './body-parsers.js';
import { CallerDirectoryAdapter } from './caller-directory.adapter.js';
import { MetricsController } from './ops/metrics.controller.js';
import { OpenApiController, OpenApiDocument } from './ops/openapi.controller.js';
import { RootBootstrap } from './root-bootstrap.js';

/** The HTTP composition root: every context's controllers, one guard, one error filter. */
@Module({})
export class ApiModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The request reader runs after the access log (mounted first, in createApiApp), so a malformed body is logged with its request id. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(readRequest(this.config)).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

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
      controllers: [HealthController, MetricsController, OpenApiController],
      providers: [
        AuthCache,
        AuthCacheInvalidator,
        RootBootstrap,
        OpenApiDocument,
        { provide: CallerDirectory, useClass: CallerDirectoryAdapter },
        { provide: APP_GUARD, useClass: GitlabAuthGuard },
        { provide: APP_FILTER, useClass: GitlabExceptionFilter },
      ],
    };
  }
}
