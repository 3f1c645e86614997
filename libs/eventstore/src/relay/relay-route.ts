import type { JobName, QueueName } from '@app/shared';
import type { StoredEvent } from '@app/kernel';

/** Which events become which job. Contexts register routes; the relay delivers them. */
export interface RelayRoute {
  queue: QueueName;
  job: JobName;
  accepts(event: StoredEvent): boolean;
}

/** What a relayed job carries: enough to find the event again, nothing secret. */
export interface RelayedEventJob {
  eventId: string;
  globalPosition: number;
  transactionId: string;
  streamId: string;
  type: string;
}

export const RELAY_ROUTES = Symbol('RELAY_ROUTES');
