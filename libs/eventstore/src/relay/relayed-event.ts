import type { StoredEvent } from '@app/kernel';
import type { EventStore } from '../append/event-store.js';
import type { RelayedEventJob } from './relay-route.js';

/**
 * The event a relayed job names, as current code reads it (the first, when an upcaster split it).
 * A job naming no stored event fails, to be retried and then kept for an operator to look at.
 */
export async function relayedEvent(store: EventStore, job: { id?: string; data: RelayedEventJob }): Promise<StoredEvent> {
  const [event] = await store.readByEventId(job.data.eventId);
  if (!event) throw new Error(`Event ${job.data.eventId} named by job ${job.id} is not in the event store`);
  return event;
}
