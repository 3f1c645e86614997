import { Injectable } from '@nestjs/common';
import type { Decider, EventMetadata, NewEvent } from '@app/kernel';
import { EventStore, type EventStoreTransaction } from '../append/event-store.js';
import { retryOnConflict } from '../append/concurrency-conflict.error.js';

/** A stream folded to its current state, at the version it was read. */
export interface FoldedStream<TState> {
  state: TState;
  /** 0 when the stream does not exist yet. */
  version: number;
}

/** What one command did: the events it appended (none when it changed nothing) and the state after them. */
export interface CommandResult<TState, TEvent> {
  events: TEvent[];
  state: TState;
  /** The stream's version after the command. */
  version: number;
}

export interface CommandOptions<TState, TEvent> {
  metadata: EventMetadata;
  /**
   * Slow work the decided events call for (hashing a password), done before the transaction
   * opens so that no lock waits on it; it runs again on a retry, so cache what it computes.
   */
  beforeAppend?: (events: TEvent[], state: TState) => Promise<void>;
  /**
   * Writes that belong to the same change but not to the log (a password hash, an avatar's
   * bytes), run in the append's transaction so that both commit or neither does.
   */
  alsoInTransaction?: (tx: EventStoreTransaction, events: TEvent[], state: TState) => Promise<void>;
  /** Turns a failure of the append's transaction (a unique index of an inline projection) into a domain error. */
  onAppendError?: (error: unknown) => never;
}

/**
 * The one command path (emmett's `handleCommand`): load the stream, fold it, decide, append
 * at the version read, and on a concurrency conflict do it all again (see `retryOnConflict`).
 * `command` may be a function of the current state, for the checks that must see it first
 * (a 404, a precondition); it runs again on every retry.
 */
@Injectable()
export class CommandPath {
  constructor(private readonly store: EventStore) {}

  async load<TState, TEvent extends NewEvent>(streamId: string, decider: Decider<unknown, TState, TEvent>): Promise<FoldedStream<TState>> {
    const { version, events } = await this.store.readStream(streamId);
    let state = decider.initialState;
    for (const event of events) state = decider.evolve(state, event as unknown as TEvent);
    return { state, version };
  }

  async handle<TCommand, TState, TEvent extends NewEvent>(
    streamId: string,
    decider: Decider<TCommand, TState, TEvent>,
    command: TCommand | ((state: TState) => TCommand | Promise<TCommand>),
    options: CommandOptions<TState, TEvent>,
  ): Promise<CommandResult<TState, TEvent>> {
    return retryOnConflict(async () => {
      const { state, version } = await this.load(streamId, decider);
      const resolved = typeof command === 'function' ? await (command as (state: TState) => TCommand | Promise<TCommand>)(state) : command;
      const events = decider.decide(resolved, state, new Date());
      if (events.length === 0) return { events, state, version };
      await options.beforeAppend?.(events, state);
      let appended: number;
      try {
        appended = await this.store.transaction(async (tx) => {
          const result = await tx.append(streamId, events, { expectedVersion: version === 0 ? 'no_stream' : version, metadata: options.metadata });
          await options.alsoInTransaction?.(tx, events, state);
          return result.nextVersion;
        });
      } catch (error) {
        if (options.onAppendError) options.onAppendError(error);
        throw error;
      }
      return { events, state: events.reduce((acc, event) => decider.evolve(acc, event), state), version: appended };
    });
  }
}
