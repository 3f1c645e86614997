import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { CallerUser } from './caller.js';
import type { TokenRecord } from './caller-directory.port.js';
import { tokenDigest } from './token-digest.js';

type Entry = { value: { token: TokenRecord; user: CallerUser }; expiresAt: number };

/**
 * Optional short-lived cache of token lookups (AUTH_CACHE_TTL_MS, off by default).
 * With it on, a revoked token or blocked account may keep working for up to the TTL
 * on instances that did not make the change; failures are never cached.
 */
@Injectable()
export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries = 10_000;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async remember(rawToken: string, load: () => Promise<Entry['value']>): Promise<Entry['value']> {
    const ttl = this.config.authCacheTtlMs;
    if (ttl <= 0) return load();
    const key = tokenDigest(rawToken);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = await load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, expiresAt: now + ttl });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
