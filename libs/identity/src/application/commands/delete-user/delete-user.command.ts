import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface DeleteUserInput {
  userId: number;
  hardDelete: boolean;
  /** `If-Unmodified-Since`: refuse with 412 when the user changed after it. */
  unmodifiedSince: Date | null;
}

export class DeleteUser extends Command<void> {
  constructor(
    readonly input: DeleteUserInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
