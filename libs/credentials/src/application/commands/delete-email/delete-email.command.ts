import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

export class DeleteEmail extends Command<void> {
  constructor(
    readonly input: { userId: number; emailId: number; unmodifiedSince: Date | null },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
