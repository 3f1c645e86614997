import { Query } from '@nestjs/cqrs';
import type { UserRow } from '../../../infrastructure/user-row.js';

/**
 * A user by id (with its creator, for `created_by`), or null. With `viewerId`, the row also says
 * whether that user follows them (`is_followed`).
 */
export class GetUser extends Query<(UserRow & { is_followed?: boolean }) | null> {
  constructor(
    readonly userId: number,
    readonly viewerId: number | null = null,
  ) {
    super();
  }
}
