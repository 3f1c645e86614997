import { CallerDirectory, tokenExpired, type CallerUser } from '@app/shared';

export type AdminTokenCheck =
  | { ok: true; user: CallerUser }
  /** 401: no usable token (unknown, revoked, expired); 403: a usable token that does not make an admin. */
  | { ok: false; status: 401 | 403; reason: string };

/**
 * The one rule for the admin area, at sign-in and again on every request of a session (by the
 * token's digest, never cached, so that a revocation or a lost admin flag counts at once): an
 * active, unrevoked, unexpired token with the `api` scope, whose user is an active admin.
 */
export async function checkAdminToken(directory: CallerDirectory, digest: string): Promise<AdminTokenCheck> {
  const found = await directory.findTokenByDigest(digest);
  if (!found) return { ok: false, status: 401, reason: 'No personal access token matches. Check that it was copied whole, or create a new one.' };
  const { token, user } = found;
  if (token.revoked) return { ok: false, status: 401, reason: 'This token was revoked. Create a new one with the api scope.' };
  if (tokenExpired(token.expiresAt)) return { ok: false, status: 401, reason: 'This token has expired. Create a new one with the api scope.' };
  if (!user.isAdmin) return { ok: false, status: 403, reason: `@${user.username} is not an administrator. Sign in with an administrator's token.` };
  if (user.state !== 'active') return { ok: false, status: 403, reason: `The account of @${user.username} is ${user.state.replace(/_/g, ' ')}; only active administrators may sign in.` };
  if (!token.scopes.includes('api')) return { ok: false, status: 403, reason: 'This token lacks the api scope. Create a token with the api scope to sign in.' };
  return { ok: true, user };
}
