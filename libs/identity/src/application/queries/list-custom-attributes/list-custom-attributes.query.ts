import { Query } from '@nestjs/cqrs';
import type { CustomAttribute } from '../../../infrastructure/custom-attributes.repository.js';

/** A user's custom attributes, or null when the user does not exist. */
export class ListCustomAttributes extends Query<CustomAttribute[] | null> {
  constructor(
    readonly userId: number,
    /** Skip the existence check when the caller already read the user. */
    readonly userKnown = false,
  ) {
    super();
  }
}
