import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

/** Confirms the address a mailed token belongs to; answers its owner and id. */
export class ConfirmEmail extends Command<{ userId: number; emailId: number }> {
  constructor(
    readonly token: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
