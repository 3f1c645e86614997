import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface DeleteIdentityInput {
  userId: number;
  provider: string;
  /** `If-Unmodified-Since`: refuse with 412 when the user changed after it. */
  unmodifiedSince: Date | null;
}

/** Unlinks the user's identity for one provider (`DELETE /users/:id/identities/:provider`). */
export class DeleteIdentity extends Command<void> {
  constructor(
    readonly input: DeleteIdentityInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
