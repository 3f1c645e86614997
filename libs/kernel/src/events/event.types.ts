import type { RequestMetadata } from './event-metadata.js';

/** Metadata stored with every event: who, from where, and why (correlation/causation). */
export type EventMetadata = RequestMetadata;

/** An event as a decider emits it: a stable, namespaced, past-tense type and a versioned payload. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  type: TType;
  schemaVersion: number;
  data: TData;
}

export interface StoredEvent<TType extends string = string, TData = unknown> extends NewEvent<TType, TData> {
  globalPosition: number;
  transactionId: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  metadata: EventMetadata;
  occurredAt: Date;
}

/**
 * What an inline projection sees of an event: everything but what PostgreSQL assigns at commit
 * (the global position, the transaction id, the time). A command sends its append and the
 * projections' statements to the server together, before those are known.
 */
export type ProjectedEvent<TType extends string = string, TData = unknown> = Pick<
  StoredEvent<TType, TData>,
  'type' | 'schemaVersion' | 'data' | 'eventId' | 'streamId' | 'streamVersion' | 'metadata'
>;

/**
 * `no_stream`: the stream must not exist yet; a number: the stream must be at exactly
 * that version; `any`: no check.
 */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** Anything that runs SQL inside the current transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}
