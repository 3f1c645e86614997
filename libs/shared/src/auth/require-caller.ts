import { ForbiddenError, UnauthorizedError } from '@app/kernel';
import type { Caller } from './caller.js';

/** Grape's `authenticate!`. */
export function requireCaller(caller: Caller | undefined): Caller {
  if (!caller) throw new UnauthorizedError();
  return caller;
}

/** Grape's `authenticated_as_admin!`: 401, then 403. Called after parameter validation, as GitLab does. */
export function requireAdmin(caller: Caller | undefined): Caller {
  const authenticated = requireCaller(caller);
  if (!authenticated.user.isAdmin) throw new ForbiddenError(null, 'auth.admin_required');
  return authenticated;
}
