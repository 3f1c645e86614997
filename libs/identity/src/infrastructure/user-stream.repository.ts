import { Injectable } from '@nestjs/common';
import { EventStore, type EventMetadata, type EventStoreTransaction, type ExpectedVersion } from '@app/eventstore';
import { evolve, initialUserState, type UserState } from '../domain/user/user.decider.js';
import { userStreamId, type UserEvent } from '../domain/user/user.events.js';

export interface LoadedUser {
  state: UserState;
  version: number;
}

/** Loads a user's stream and folds it; appends what the decider returned. */
@Injectable()
export class UserStreamRepository {
  constructor(private readonly store: EventStore) {}

  async load(userId: number): Promise<LoadedUser> {
    const { version, events } = await this.store.readStream(userStreamId(userId));
    const state = events.reduce((acc, event) => evolve(acc, event as unknown as UserEvent), initialUserState);
    return { state, version };
  }

  async append(tx: EventStoreTransaction, userId: number, events: UserEvent[], expected: ExpectedVersion, metadata: EventMetadata): Promise<void> {
    await tx.append(userStreamId(userId), events, { expectedVersion: expected, metadata });
  }
}
