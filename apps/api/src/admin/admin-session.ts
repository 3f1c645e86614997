import type { NextFunction, Request, Response } from 'express';
import type { AppConfig, CallerDirectory, CallerUser } from '@app/shared';
import { clearAdminCookie, readCookie } from './admin-cookies.js';
import { isAdminApiPath, requestPath, SESSION_COOKIE, SIGN_IN_PATH } from './admin-paths.js';
import { refuse } from './admin-responses.js';
import type { AdminSession, AdminSessionStore } from './admin-session-store.js';
import { checkAdminToken } from './admin-token-check.js';

export type SessionState =
  | { kind: 'anonymous' }
  /** The session ended on this request: its user is no longer an active admin (or the token lost its scope). */
  | { kind: 'refused'; reason: string }
  | { kind: 'admin'; user: CallerUser; session: AdminSession };

/**
 * The admin behind a request's session cookie. The token it was opened with is checked again
 * every time (revoked, expired, owner no longer an active admin): when it fails, the session row
 * is deleted and the cookie cleared, so that session is over whatever happens next.
 */
export async function resolveSession(req: Request, res: Response, store: AdminSessionStore, directory: CallerDirectory, config: AppConfig): Promise<SessionState> {
  const id = readCookie(req, SESSION_COOKIE);
  if (id === null) return { kind: 'anonymous' };
  const session = await store.find(id);
  if (session === null) {
    clearAdminCookie(req, res, config, SESSION_COOKIE);
    return { kind: 'anonymous' };
  }
  const check = await checkAdminToken(directory, session.tokenDigest);
  if (check.ok && check.user.id === session.userId) return { kind: 'admin', user: check.user, session };
  await store.end(session.idDigest);
  clearAdminCookie(req, res, config, SESSION_COOKIE);
  return !check.ok && check.status === 403 ? { kind: 'refused', reason: check.reason } : { kind: 'anonymous' };
}

/** Where an anonymous visitor of `url` is sent: the sign-in form, which brings them back here. */
export function signInRedirect(url: string): string {
  return `${SIGN_IN_PATH}?${new URLSearchParams({ return_to: url })}`;
}

/**
 * Lets only signed-in admins through, and hands the page their username and CSRF value. Others:
 * pages send them to the sign-in form; data routes (scripts, downloads) answer a JSON 401.
 */
export function requireAdminSession(store: AdminSessionStore, directory: CallerDirectory, config: AppConfig) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const state = await resolveSession(req, res, store, directory, config);
    if (state.kind === 'admin') {
      res.locals.admin = { username: state.user.username, csrf: state.session.csrfSecret };
      return next();
    }
    if (state.kind === 'refused') return refuse(req, res, 403, `Your admin session has ended. ${state.reason}`);
    if (!isAdminApiPath(requestPath(req)) && (req.method === 'GET' || req.method === 'HEAD')) {
      return res.redirect(303, signInRedirect(req.originalUrl));
    }
    refuse(req, res, 401, `Sign in at ${SIGN_IN_PATH} with an administrator's personal access token first.`);
  };
}
