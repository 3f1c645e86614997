import { Redis, type RedisOptions } from 'ioredis';

/** BullMQ needs `maxRetriesPerRequest: null` on connections used by workers. */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
