import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

/** Adds an armored public key to a user; answers the new key's id. */
export class AddGpgKey extends Command<number> {
  constructor(
    readonly input: { userId: number; key: string },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
