import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

/** Revokes a token (the row is kept); answers nothing. The caller's right to do so is checked by the controller. */
export class RevokeAccessToken extends Command<void> {
  constructor(
    readonly input: { tokenId: number; userId: number },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
