import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

export interface DeleteSshKeyInput {
  userId: number;
  keyId: number;
  /** `If-Unmodified-Since`: 412 when the key is newer. */
  unmodifiedSince: Date | null;
}

export class DeleteSshKey extends Command<void> {
  constructor(
    readonly input: DeleteSshKeyInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
