import { Injectable } from '@nestjs/common';
import type { AsyncConsumer } from './async-consumer.js';

/** Contexts register their asynchronous consumers here when their module starts; the worker runs them. */
@Injectable()
export class AsyncConsumerRegistry {
  private readonly byName = new Map<string, AsyncConsumer>();

  register(consumer: AsyncConsumer): void {
    if (this.byName.has(consumer.name)) throw new Error(`Asynchronous consumer "${consumer.name}" is registered twice`);
    if (consumer.eventTypes.length === 0) throw new Error(`Asynchronous consumer "${consumer.name}" handles no event type`);
    this.byName.set(consumer.name, consumer);
  }

  get(name: string): AsyncConsumer | undefined {
    return this.byName.get(name);
  }

  all(): AsyncConsumer[] {
    return [...this.byName.values()];
  }
}
