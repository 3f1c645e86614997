import type { CreateUserInput } from '../create-user/create-user.command.js';

export const GHOST_BIO =
  'This is a "Ghost User", created to hold all issues authored by users that have since been deleted. This user cannot be removed.';

/** GitLab's ghost user: `ghost`, then `ghost1`, `ghost2`… when the name is taken. */
export function ghostUserInput(suffix: number | null): CreateUserInput {
  const tail = suffix === null ? '' : String(suffix);
  return {
    profile: { username: `ghost${tail}`, email: `ghost${tail}@example.com`, name: 'Ghost User', bio: GHOST_BIO },
    password: null,
    passwordMode: 'random',
    skipConfirmation: false,
    identity: null,
    createdById: null,
    userType: 'ghost',
  };
}
