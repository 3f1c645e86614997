import type { NewEvent } from './event.types.js';

/**
 * Turns one event stored at an older schema version into what today's code reads. Readers only
 * ever see current events: the event store applies upcasters on every read that hands events to
 * code (stream loads, reads by id, projection rebuilds, the relay).
 *
 * `upcast` returns a list, not one event, because an event's meaning may have been split after
 * it was stored: `identity.user_updated` v1 recorded any change to a user as one bag of
 * attributes, and is now read as the intent-named events that replaced it (one per kind of
 * change, in the order the decider emits them). The usual step returns a single event of the
 * same type at `fromVersion + 1`. Whatever comes back is upcast again until no upcaster applies,
 * so each upcaster only knows its own step.
 */
export interface Upcaster {
  readonly eventType: string;
  /** The schema version this upcaster reads. */
  readonly fromVersion: number;
  /**
   * Every event type `upcast` may return. Stored rows are selected by their stored type (a
   * projection rebuild, the audit reconciliation): the store needs to know which older types
   * can become the types a reader asks for.
   */
  readonly produces: readonly string[];
  upcast(event: NewEvent): NewEvent[];
}

/** The common step: same type, `fromVersion + 1`, payload rewritten by `upcastData`. */
export function versionStep(eventType: string, fromVersion: number, upcastData: (data: unknown) => unknown): Upcaster {
  return {
    eventType,
    fromVersion,
    produces: [eventType],
    upcast: (event) => [{ type: eventType, schemaVersion: fromVersion + 1, data: upcastData(event.data) }],
  };
}
