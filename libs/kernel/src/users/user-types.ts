/** GitLab's non-internal user types (`User::NON_INTERNAL_USER_TYPES`); every other type (ghost, the bots) is internal. */
export const NON_INTERNAL_USER_TYPES: readonly string[] = ['human', 'project_bot', 'service_user', 'service_account'];

/** Internal users cannot be blocked or deactivated, and are left out of `active` and `exclude_internal` lists. */
export function isInternalUserType(userType: string): boolean {
  return !NON_INTERNAL_USER_TYPES.includes(userType);
}
