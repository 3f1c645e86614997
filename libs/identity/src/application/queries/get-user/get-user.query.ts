import { Query } from '@nestjs/cqrs';
import type { UserRow } from '../../../infrastructure/user-row.js';

/** A user by id (with its creator, for `created_by`), or null. */
export class GetUser extends Query<UserRow | null> {
  constructor(readonly userId: number) {
    super();
  }
}
