import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { CallerUser } from './caller.js';
import type { TokenRecord } from './caller-directory.port.js';

type Resolved = { token: TokenRecord; user: CallerUser };
type Entry = { value: Resolved; expiresAt: number };

/**
 * Caches token lookups in this process (AUTH_CACHE_TTL_MS) so an authenticated request
 * costs no extra round trip. It is safe only while AuthCacheInvalidator listens for
 * `auth_changed` (sent by a trigger when a token or its owner changes): until then, and
 * whenever that connection drops, every lookup goes to the database. Failures are never
 * cached; the TTL only bounds how long an entry can outlive a lost notification.
 */
@Injectable()
export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<number, Set<string>>();
  private readonly maxEntries = 10_000;
  private listening = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.listening && this.config.authCacheTtlMs > 0;
  }

  /** The cached look-up of the token with this SHA-256 `digest`, if the cache may answer. */
  get(digest: string): Resolved | undefined {
    if (!this.enabled) return undefined;
    const hit = this.entries.get(digest);
    return hit && hit.expiresAt > Date.now() ? hit.value : undefined;
  }

  /**
   * The look-up of the token with this `digest`, from the cache or from `load`. Keys are digests,
   * never plain tokens; the caller hashes once and passes the digest to `load` as well.
   */
  async remember(digest: string, load: () => Promise<Resolved>): Promise<Resolved> {
    const hit = this.get(digest);
    if (hit) return hit;
    if (!this.enabled) return load();
    const now = Date.now();
    // Entries evicted while this lookup runs must not be resurrected by it.
    const generation = this.generation;
    const value = await load();
    if (!this.enabled || generation !== this.generation) return value;
    if (this.entries.size >= this.maxEntries) this.clear();
    this.entries.set(digest, { value, expiresAt: now + this.config.authCacheTtlMs });
    const keys = this.byUser.get(value.token.userId) ?? new Set<string>();
    keys.add(digest);
    this.byUser.set(value.token.userId, keys);
    return value;
  }

  private generation = 0;

  /** A token or account of this user changed somewhere. */
  evictUser(userId: number): void {
    this.generation += 1;
    for (const key of this.byUser.get(userId) ?? []) this.entries.delete(key);
    this.byUser.delete(userId);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.byUser.clear();
  }

  /** Called by the invalidator: caching is allowed only while notifications can arrive. */
  setListening(listening: boolean): void {
    this.clear();
    this.listening = listening;
  }
}
