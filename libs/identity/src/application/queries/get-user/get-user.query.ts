import { Query } from '@nestjs/cqrs';
import type { UserRow } from '../../../infrastructure/user-row.js';

export interface UserWithCreator {
  user: UserRow;
  createdBy: UserRow | null;
}

/** A user by id, with the admin who created it (for `created_by`). */
export class GetUser extends Query<UserWithCreator | null> {
  constructor(
    readonly userId: number,
    readonly withCreator: boolean,
  ) {
    super();
  }
}
