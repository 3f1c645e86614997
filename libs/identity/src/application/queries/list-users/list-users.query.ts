import { Query } from '@nestjs/cqrs';
import type { UserListQuery } from '../../../infrastructure/users-read.repository.js';
import type { UserRow } from '../../../infrastructure/user-row.js';

export interface UserPage {
  rows: UserRow[];
  total: number | null;
  hasMore: boolean;
  /** Keyset pagination only: the next page's cursor, null on the last page. */
  nextCursor?: string | null;
}

export class ListUsers extends Query<UserPage> {
  constructor(
    readonly criteria: UserListQuery,
    /** Attach each row's custom attributes (admins' `with_custom_attributes`). */
    readonly withCustomAttributes = false,
  ) {
    super();
  }
}
