import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

/**
 * Clears a user's status if it is still the one that expires at `clearStatusAt` and that time
 * has come; anything else (a newer status, none, not yet due) is a no-op. Answers whether it cleared.
 */
export class ClearExpiredStatus extends Command<boolean> {
  constructor(
    readonly input: { userId: number; clearStatusAt: string },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
