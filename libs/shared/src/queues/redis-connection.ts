import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

/** Errors that say Redis cannot be reached (as opposed to a command that Redis refused). */
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|Connection is closed|Stream isn't writeable|connect ETIMEDOUT|LOADING/;

export function isRedisUnreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && UNREACHABLE.test(code)) || (typeof message === 'string' && UNREACHABLE.test(message));
}

/**
 * What each of this process's Redis users says while Redis is away, once per outage: ioredis
 * reports every failed reconnect (several a second), which would otherwise flood the log with
 * stack traces. A source is a connection or a BullMQ queue or worker, by name.
 */
export class RedisOutageLog {
  private static readonly logger = new Logger('Redis');
  private static readonly down = new Set<string>();

  /** `meanwhile` tells the operator what this source does until Redis answers. */
  static failed(source: string, error: unknown, meanwhile: string): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (!isRedisUnreachable(error)) {
      this.logger.error({ source, reason }, `Redis refused a command from ${source}`);
      return;
    }
    if (this.down.has(source)) return;
    this.down.add(source);
    this.logger.warn({ source, reason }, `Redis is unreachable from ${source}; ${meanwhile}. Retrying in the background`);
  }

  static recovered(source: string): void {
    if (!this.down.delete(source)) return;
    this.logger.log({ source }, `Redis answers ${source} again`);
  }

  /** Names of the sources that currently cannot reach Redis (for tests and health output). */
  static unreachable(): string[] {
    return [...this.down];
  }
}

export interface RedisConnectionName {
  /** e.g. "queues", "audit worker": shown in the outage log. */
  source: string;
  /** What the holder does while Redis is away. */
  meanwhile: string;
}

/**
 * A Redis connection whose failures go to the outage log, once per outage. BullMQ needs
 * `maxRetriesPerRequest: null` on connections used by workers.
 */
export function createRedis(url: string, name: RedisConnectionName, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
  redis.on('error', (error: unknown) => RedisOutageLog.failed(name.source, error, name.meanwhile));
  redis.on('ready', () => RedisOutageLog.recovered(name.source));
  return redis;
}

/** Routes a BullMQ Queue's or Worker's `error` events to the outage log under its connection's name. */
export function reportBullmqErrors(emitter: { on(event: 'error', listener: (error: Error) => void): unknown }, name: RedisConnectionName): void {
  emitter.on('error', (error) => RedisOutageLog.failed(name.source, error, name.meanwhile));
}
