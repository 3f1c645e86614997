import { Query } from '@nestjs/cqrs';

/** A user as other contexts show them: GitLab's `UserBasic`, and whether `viewer` may read the profile (`read_user_profile`). */
export interface UserBasicView {
  id: number;
  entity: Record<string, unknown>;
  profileReadable: boolean;
}

/**
 * Users by id, as `UserBasic` entities, in the order of `ids` (ids with no user are left out):
 * for the lists and answers of other contexts (followers, a followed user).
 */
export class GetUserBasics extends Query<UserBasicView[]> {
  constructor(
    readonly ids: readonly number[],
    /** Who looks, for `profileReadable`; null for an anonymous caller. */
    readonly viewer: { id: number; isAdmin: boolean } | null = null,
  ) {
    super();
  }
}
