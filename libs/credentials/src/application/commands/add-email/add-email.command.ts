import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

/** Adds a secondary address; answers its id. Unless confirmation is skipped, a token is mailed for it. */
export class AddEmail extends Command<number> {
  constructor(
    readonly input: { userId: number; email: string; skipConfirmation: boolean },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
