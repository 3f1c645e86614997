import type { NewEvent } from '../events/event.types.js';

/**
 * Declares that a decider's state may be kept as a snapshot (JSON) beside its stream. `name`
 * identifies the state's shape (deciders that share `evolve` on one stream share it); raise
 * `version` whenever `evolve` or the state's shape changes meaning, so that snapshots folded by
 * the old code are ignored instead of trusted. The state must survive `JSON.stringify` and
 * `JSON.parse` unchanged (plain objects, arrays, strings, numbers, booleans, null).
 */
export interface SnapshotPolicy {
  readonly name: string;
  readonly version: number;
}

/**
 * A stream's whole behaviour as three pure functions (the "decider" pattern): the state before
 * any event, how an event changes it, and which events a command causes in a state. No I/O, no
 * clock: the time of the decision is passed in.
 */
export interface Decider<TCommand, TState, TEvent extends NewEvent> {
  readonly initialState: TState;
  evolve(state: TState, event: TEvent): TState;
  decide(command: TCommand, state: TState, now: Date): TEvent[];
  /** Without it, every command replays the whole stream. */
  readonly snapshot?: SnapshotPolicy;
}
