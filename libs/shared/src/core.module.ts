import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { dataSourceOptions, type MigrationClass } from './database/data-source.js';
import { Database } from './database/database.js';
import { JobSchedules } from './queues/job-schedules.js';
import { QueueRegistry } from './queues/queue-registry.js';
import { REDIS, redisProvider } from './queues/redis.provider.js';
import { QueueMetrics } from './metrics/queue-metrics.js';
import { ServiceMetrics } from './metrics/service-metrics.js';

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

export interface CoreModuleOptions {
  config: AppConfig;
  migrations: MigrationClass[];
  poolSize?: number;
}

/** Configuration, PostgreSQL (TypeORM's pool), Redis, the BullMQ queues and the metrics registry, for every app. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(options.config.databaseUrl, options.migrations, options.poolSize))],
      providers: [{ provide: APP_CONFIG, useValue: options.config }, Database, redisProvider, RedisCloser, QueueRegistry, JobSchedules, ServiceMetrics, QueueMetrics],
      exports: [APP_CONFIG, Database, REDIS, QueueRegistry, JobSchedules, ServiceMetrics],
    };
  }
}
