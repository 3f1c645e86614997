import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';
import { EventStore, type EventMetadata, type EventStoreTransaction, type ExpectedVersion } from '@app/eventstore';
import {
  evolveCustomAttributes,
  initialCustomAttributesState,
  type CustomAttributesState,
} from '../domain/custom-attribute/custom-attribute.decider.js';
import { customAttributesStreamId, type CustomAttributeEvent } from '../domain/custom-attribute/custom-attribute.events.js';

export interface CustomAttribute {
  key: string;
  value: string;
}

/** Loads and appends a user's custom attribute stream; reads the `user_custom_attributes` read model. */
@Injectable()
export class CustomAttributesRepository {
  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
  ) {}

  async load(userId: number): Promise<{ state: CustomAttributesState; version: number }> {
    const { version, events } = await this.store.readStream(customAttributesStreamId(userId));
    const state = events.reduce((acc, event) => evolveCustomAttributes(acc, event as unknown as CustomAttributeEvent), initialCustomAttributesState);
    return { state, version };
  }

  async append(tx: EventStoreTransaction, userId: number, events: CustomAttributeEvent[], expected: ExpectedVersion, metadata: EventMetadata): Promise<void> {
    await tx.append(customAttributesStreamId(userId), events, { expectedVersion: expected === 0 ? 'no_stream' : expected, metadata });
  }

  /** In creation order (GitLab lists them by id). */
  async list(userId: number): Promise<CustomAttribute[]> {
    return this.db.query<CustomAttribute>('SELECT key, value FROM user_custom_attributes WHERE user_id = $1 ORDER BY created_at, key', [userId]);
  }

  /** The attributes of many users in one read, for `with_custom_attributes` on lists. */
  async listForUsers(userIds: number[]): Promise<Map<number, CustomAttribute[]>> {
    const byUser = new Map<number, CustomAttribute[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows = await this.db.query<CustomAttribute & { user_id: string }>(
      'SELECT user_id, key, value FROM user_custom_attributes WHERE user_id = ANY($1::bigint[]) ORDER BY created_at, key',
      [userIds],
    );
    for (const row of rows) byUser.get(Number(row.user_id))?.push({ key: row.key, value: row.value });
    return byUser;
  }

  async userExists(userId: number): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM users WHERE id = $1', [userId]);
    return rows.length > 0;
  }
}
