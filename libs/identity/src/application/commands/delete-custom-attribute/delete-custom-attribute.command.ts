import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface DeleteCustomAttributeInput {
  userId: number;
  key: string;
}

export class DeleteCustomAttribute extends Command<void> {
  constructor(
    readonly input: DeleteCustomAttributeInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
