import type { NewEvent } from './event.types.js';

/**
 * Turns an event stored at an older schema version into the next version's shape. Readers only
 * ever see current events: the store applies upcasters in version order on every read.
 */
export interface Upcaster {
  readonly eventType: string;
  /** The version this upcaster reads; it returns `fromVersion + 1`. */
  readonly fromVersion: number;
  upcast(data: unknown): unknown;
}

/** What a context publishes about one event type: its name and current schema version. */
export interface EventContract<TType extends string = string> {
  readonly type: TType;
  readonly schemaVersion: number;
}

/** The events a type guard accepts, narrowed to the declared union. */
export function isEventOf<TEvent extends NewEvent>(types: readonly string[], event: NewEvent): event is TEvent {
  return types.includes(event.type);
}
