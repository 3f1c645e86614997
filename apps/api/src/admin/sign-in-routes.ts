import { timingSafeEqual } from 'node:crypto';
import { Logger } from '@nestjs/common';
import express, { type Request, type Response, type Router } from 'express';
import { judge, rateLimitCounterKey, rateLimitRule, tokenDigest, type AppConfig, type CallerDirectory, type RedisRateLimiter } from '@app/shared';
import { clearAdminCookie, readCookie, setAdminCookie } from './admin-cookies.js';
import { ADMIN_PATH, AUDIT_PATH, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, SIGN_IN_PATH, SIGN_OUT_PATH } from './admin-paths.js';
import { refuse, sendPage } from './admin-responses.js';
import { randomSecret, type AdminSessionStore } from './admin-session-store.js';
import { resolveSession } from './admin-session.js';
import { checkAdminToken } from './admin-token-check.js';
import { signInPage } from './views/sign-in-page.js';

const logger = new Logger('AdminSignIn');

/** Two secrets compared in constant time; a missing one never matches. */
function sameSecret(a: unknown, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || !b || a.length === 0) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const LOCAL = 'http://local.invalid';

/**
 * Where to go after signing in: a page of the admin area on this server, or the audit log. Never
 * another host (`//evil.example`, `/\evil`), never out of /admin by dot segments.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith(`${ADMIN_PATH}/`) || /[\\\u0000-\u001f]/.test(value)) return AUDIT_PATH;
  let url: URL;
  try {
    url = new URL(value, LOCAL);
  } catch {
    return AUDIT_PATH;
  }
  if (url.origin !== LOCAL || !url.pathname.startsWith(`${ADMIN_PATH}/`) || url.pathname === SIGN_IN_PATH || url.pathname === SIGN_OUT_PATH) return AUDIT_PATH;
  return url.pathname + url.search;
}

/**
 * `GET`/`POST /admin/sign_in` and `POST /admin/sign_out`. Before there is a session, the form's
 * CSRF value is a double submit: a random value both in a cookie (for the sign-in path only) and
 * in the form, which another site can neither read nor set.
 */
export function signInRoutes(store: AdminSessionStore, directory: CallerDirectory, config: AppConfig, limiter: RedisRateLimiter): Router {
  const router = express.Router({ caseSensitive: true });
  const rule = rateLimitRule('admin_sign_in', config);
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

  const showForm = (req: Request, res: Response, status: number, returnTo: string, error?: string) => {
    // A new value after every failure, so an observed one is worth nothing.
    const csrf = randomSecret();
    setAdminCookie(req, res, config, SIGN_IN_CSRF_COOKIE, csrf, SIGN_IN_PATH);
    sendPage(res, status, signInPage({ csrf, returnTo, error }));
  };

  router.get('/sign_in', async (req: Request, res: Response) => {
    const returnTo = safeReturnTo(req.query.return_to);
    const state = await resolveSession(req, res, store, directory, config);
    if (state.kind === 'admin') return res.redirect(303, returnTo);
    showForm(req, res, 200, returnTo, state.kind === 'refused' ? `Your admin session has ended. ${state.reason}` : undefined);
  });

  router.post('/sign_in', form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const returnTo = safeReturnTo(body.return_to);
    if (!req.is('application/x-www-form-urlencoded')) {
      return showForm(req, res, 415, returnTo, 'The sign-in form must be sent as a form (application/x-www-form-urlencoded). Use the form on this page.');
    }
    if (!sameSecret(body.csrf, readCookie(req, SIGN_IN_CSRF_COOKIE))) {
      return showForm(req, res, 403, returnTo, 'This sign-in form has expired or was not sent from this page. Enter your token again.');
    }
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (token === '') return showForm(req, res, 400, returnTo, 'Enter a personal access token.');
    // Refused sign-ins are counted per address; past the limit, no token is even looked at until the window closes.
    // Every attempt is counted first (so parallel attempts cannot all pass the check), and a successful one taken back.
    const counterKey = rateLimitCounterKey(config.queuePrefix, 'admin_sign_in', { ip: req.ip ?? 'unknown' });
    const counted = rule.limit > 0 ? await limiter.hit(counterKey, rule.intervalSeconds) : null;
    if (counted) {
      const verdict = judge(rule, counted.count, counted.ttlMs);
      if (!verdict.allowed) {
        logger.warn({ ip: req.ip }, 'An admin sign-in was refused: too many refused sign-ins from this address');
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
        const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
        return showForm(req, res, 429, returnTo, `Too many refused sign-ins from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
      }
    }
    const digest = tokenDigest(token);
    const check = await checkAdminToken(directory, digest);
    if (!check.ok) {
      logger.warn({ status: check.status }, 'An admin sign-in was refused');
      return showForm(req, res, check.status, returnTo, check.reason);
    }
    if (counted) await limiter.uncount(counterKey);
    await store.deleteExpired();
    const previous = readCookie(req, SESSION_COOKIE);
    const replaced = previous ? await store.find(previous) : null;
    if (replaced) await store.end(replaced.idDigest);
    const { id } = await store.create(check.user.id, digest);
    setAdminCookie(req, res, config, SESSION_COOKIE, id);
    clearAdminCookie(req, res, config, SIGN_IN_CSRF_COOKIE, SIGN_IN_PATH);
    logger.log({ userId: check.user.id, username: check.user.username }, 'An admin signed in');
    res.redirect(303, returnTo);
  });

  router.post('/sign_out', form, async (req: Request, res: Response) => {
    const id = readCookie(req, SESSION_COOKIE);
    const session = id ? await store.find(id) : null;
    if (session) {
      const csrf = ((req.body ?? {}) as Record<string, unknown>).csrf;
      if (!sameSecret(csrf, session.csrfSecret)) {
        return refuse(req, res, 403, 'Sign-out refused: the form was not sent from an admin page of this session. Use the Sign out button of an admin page.');
      }
      await store.end(session.idDigest);
      logger.log({ userId: session.userId }, 'An admin signed out');
    }
    clearAdminCookie(req, res, config, SESSION_COOKIE);
    res.redirect(303, SIGN_IN_PATH);
  });

  return router;
}
