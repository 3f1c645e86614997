import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { createRedis } from './redis-connection.js';

/** A general-purpose Redis client (rate limits, health checks); BullMQ has its own. */
export const REDIS = Symbol('REDIS');

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): Redis =>
    createRedis(config.redisUrl, { source: 'rate limits and health checks', meanwhile: 'rate limits are not enforced and readiness reports failed' }, { maxRetriesPerRequest: 2 }),
};
