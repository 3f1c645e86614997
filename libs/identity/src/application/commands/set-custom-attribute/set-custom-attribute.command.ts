import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface SetCustomAttributeInput {
  userId: number;
  key: string;
  value: string;
}

/** Creates or updates one custom attribute of a user; answers the attribute as stored. */
export class SetCustomAttribute extends Command<{ key: string; value: string }> {
  constructor(
    readonly input: SetCustomAttributeInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
