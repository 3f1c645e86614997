import type { NewEvent } from '../events/event.types.js';

/**
 * A stream's whole behaviour as three pure functions (the "decider" pattern): the state before
 * any event, how an event changes it, and which events a command causes in a state. No I/O, no
 * clock: the time of the decision is passed in.
 */
export interface Decider<TCommand, TState, TEvent extends NewEvent> {
  readonly initialState: TState;
  evolve(state: TState, event: TEvent): TState;
  decide(command: TCommand, state: TState, now: Date): TEvent[];
}
