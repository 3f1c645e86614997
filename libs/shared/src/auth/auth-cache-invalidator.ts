import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuthCache } from './auth-cache.js';

export const AUTH_CHANGED_CHANNEL = 'auth_changed';

/** Keeps one LISTEN connection per API process and evicts cached tokens as changes commit. */
@Injectable()
export class AuthCacheInvalidator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuthCacheInvalidator.name);
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** False from a lost connection until the next LISTEN succeeds: one warning per outage. */
  private healthy = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: AuthCache,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.authCacheTtlMs <= 0) return;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'gitlab-users-auth-cache' });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.cache.setListening(false);
      if (this.stopped) return;
      if (this.healthy) {
        this.healthy = false;
        const reason = error instanceof Error ? error.message : 'connection ended';
        this.logger.warn({ reason }, 'Lost the auth_changed listener; tokens are looked up on every request until it reconnects');
      }
      client.end().catch(() => undefined);
      this.retry = setTimeout(() => void this.connect(), 1_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      const userId = Number(message.payload);
      if (Number.isSafeInteger(userId)) this.cache.evictUser(userId);
      else this.cache.clear();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_CHANGED_CHANNEL}`);
      this.client = client;
      this.cache.setListening(true);
      if (!this.healthy) this.logger.log('The auth_changed listener is back; cached token lookups resume');
      this.healthy = true;
    } catch (error) {
      this.client = client;
      lost(error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.cache.setListening(false);
    await client?.end().catch(() => undefined);
  }
}
