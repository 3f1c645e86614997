import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { CreatedPersonalAccessToken } from '../create-personal-access-token/create-personal-access-token.command.js';

/** Revokes a token and issues its replacement in one append; answers the new token (with its value). */
export class RotateAccessToken extends Command<CreatedPersonalAccessToken> {
  constructor(
    readonly input: { tokenId: number; userId: number; expiresAt: string | null },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
