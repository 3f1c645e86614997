import type { UserLifecycle } from '@app/kernel';
import { USER_CREATED, USER_DELETED } from './user.events.js';

/** Identity's user lifecycle for the contexts that keep a row per user. */
export const USER_LIFECYCLE: UserLifecycle = {
  created: USER_CREATED,
  deleted: USER_DELETED,
  userIdOf: (data) => (data as { id: number }).id,
};
