import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { CustomAttribute } from '../../../infrastructure/custom-attributes.repository.js';

export interface SetCustomAttributeInput {
  userId: number;
  key: string;
  value: string;
}

/** Creates or updates one custom attribute of a user; answers the attribute as stored. */
export class SetCustomAttribute extends Command<CustomAttribute> {
  constructor(
    readonly input: SetCustomAttributeInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
