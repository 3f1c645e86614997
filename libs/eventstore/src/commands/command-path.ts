import { Injectable } from '@nestjs/common';
import type { Decider, EventMetadata, NewEvent, Queryable, SnapshotPolicy } from '@app/kernel';
import type { Statement } from '@app/shared';
import { EventStore, type BatchedAppendResult } from '../append/event-store.js';
import { retryOnConflict } from '../append/concurrency-conflict.error.js';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';

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
  /** The rows of `readAfter` when events were appended (null otherwise: read the model again). */
  readBack: Record<string, unknown>[] | null;
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
   * bytes), sent with the append in its one transaction so that both commit or neither does.
   * They are recorded, not run at once: what they return is not available.
   */
  alsoInTransaction?: (tx: Queryable, events: TEvent[], state: TState) => Promise<void>;
  /**
   * A read of the model the command changes, sent last in the append's batch (a `RETURNING` for
   * the whole command): it costs no round trip of its own and shows this command's effect even
   * when another command on the same stream follows at once.
   */
  readAfter?: Statement;
  /** Turns a failure of the append's transaction (a unique index of an inline projection) into a domain error. */
  onAppendError?: (error: unknown) => never;
}

/**
 * The one command path (emmett's `handleCommand`): load the stream, fold it, decide, append
 * at the version read, and on a concurrency conflict do it all again (see `retryOnConflict`).
 * `command` may be a function of the current state, for the checks that must see it first
 * (a 404, a precondition); it runs again on every retry.
 *
 * Two round trips per command: the load (the decider's snapshot and the events after it, when
 * it declares a `SnapshotPolicy`; the whole stream otherwise) and the append (events, inline
 * projections, the command's own writes and the new snapshot, as one batch).
 *
 * Commands on one stream from this process wait for each other (a promise chain per stream id):
 * they would only conflict and retry, so 50 requests on one user cost 50 appends, not hundreds of
 * failed ones, and only writers in other processes still meet the optimistic check. A command must
 * therefore never run another command on its own stream from inside its `command` or hooks.
 */
@Injectable()
export class CommandPath {
  /** The last command queued on each stream that has one running; removed when the queue drains. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  async load<TState, TEvent extends NewEvent>(streamId: string, decider: Decider<unknown, TState, TEvent>): Promise<FoldedStream<TState>> {
    const { version, events, snapshot } = await this.store.loadStream(streamId, this.snapshotKey(decider.snapshot));
    let state = snapshot ? (snapshot.state as TState) : decider.initialState;
    for (const event of events) state = decider.evolve(state, event as unknown as TEvent);
    return { state, version };
  }

  async handle<TCommand, TState, TEvent extends NewEvent>(
    streamId: string,
    decider: Decider<TCommand, TState, TEvent>,
    command: TCommand | ((state: TState) => TCommand | Promise<TCommand>),
    options: CommandOptions<TState, TEvent>,
  ): Promise<CommandResult<TState, TEvent>> {
    const snapshotKey = this.snapshotKey(decider.snapshot);
    return this.inTurn(streamId, () => retryOnConflict(async () => {
      const { state, version } = await this.load(streamId, decider);
      const resolved = typeof command === 'function' ? await (command as (state: TState) => TCommand | Promise<TCommand>)(state) : command;
      const events = decider.decide(resolved, state, new Date());
      if (events.length === 0) return { events, state, version, readBack: null };
      await options.beforeAppend?.(events, state);
      const after = events.reduce((acc, event) => decider.evolve(acc, event), state);
      const { alsoInTransaction } = options;
      let appended: BatchedAppendResult;
      try {
        appended = await this.store.appendBatched(streamId, events, {
          expectedVersion: version,
          metadata: options.metadata,
          snapshot: snapshotKey === null ? undefined : { key: snapshotKey, state: after },
          alsoInBatch: alsoInTransaction ? (db) => alsoInTransaction(db, events, state) : undefined,
          readAfter: options.readAfter,
        });
      } catch (error) {
        if (options.onAppendError) options.onAppendError(error);
        throw error;
      }
      return { events, state: after, version: appended.nextVersion, readBack: appended.readBack };
    }));
  }

  /** Runs `work` once every command queued before it on `streamId` in this process has settled. */
  private inTurn<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(streamId);
    const run = before ? before.then(work, work) : work();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(streamId, settled);
    void settled.then(() => {
      if (this.queues.get(streamId) === settled) this.queues.delete(streamId);
    });
    return run;
  }

  /** The decider's snapshot policy and the upcasters in force: a snapshot under any other key is not used. */
  private snapshotKey(policy: SnapshotPolicy | undefined): string | null {
    return policy ? `${policy.name}@${policy.version}/${this.upcasters.fingerprint()}` : null;
  }
}
