import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '@app/shared';
import { isQueueDashboardFile, requestPath, SIGN_IN_PATH, STYLESHEET_PATH } from './admin-paths.js';
import { refuse } from './admin-responses.js';

/** Only this service's own files and requests: no script but the dashboard's own files, no inline script anywhere. */
const PAGE_POLICY = ["default-src 'none'", "style-src 'self'", "img-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"].join('; ');
/**
 * Bull Board's page: its scripts and locale files come from here; React and the page's loading
 * screen set style attributes, the only inline content allowed. Its inline JSON is data, not script.
 */
const DASHBOARD_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * What every admin answer carries: not kept by the browser or a proxy (pages name users and
 * events), never framed (clickjacking), no URL handed to another site, no type sniffing. The
 * public files (Bull Board's, the style sheet) may be cached; they hold nothing about anyone.
 */
export function adminSecurityHeaders(dashboardPath: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = requestPath(req);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const publicFile = isQueueDashboardFile(path) || path === STYLESHEET_PATH;
    if (!publicFile) res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', path === dashboardPath || path.startsWith(`${dashboardPath}/`) ? DASHBOARD_POLICY : PAGE_POLICY);
    next();
  };
}

/** Query parameters that carry a token elsewhere in the API (and the plain `token`). */
const TOKEN_PARAMETERS = new Set(['private_token', 'access_token', 'token']);

/**
 * A token in a URL stays in browser history, proxy logs and bookmarks: the admin area never
 * reads one there, and says so rather than ignoring it, so nobody keeps such a link.
 */
export function refuseTokenInUrl(req: Request, res: Response, next: NextFunction): void {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  let names: string[];
  try {
    names = [...new URLSearchParams(query).keys()];
  } catch {
    names = [];
  }
  // `token[]`, `PRIVATE_TOKEN`: the name as any client would mean it.
  if (names.some((name) => TOKEN_PARAMETERS.has(name.toLowerCase().replace(/\[.*$/, '')))) {
    return refuse(req, res, 400, `A token in the URL is not accepted: it would be kept in browser history and logs. Remove it from the address (and revoke it if the link was shared), then sign in with the form at ${SIGN_IN_PATH}.`);
  }
  next();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origins this service is reached at: its external URL, and the address this request was sent to. */
function ownOrigins(req: Request, config: AppConfig): Set<string> {
  const origins = new Set([new URL(config.externalUrl).origin]);
  const host = req.headers.host;
  if (host) origins.add(`${req.protocol}://${host}`.toLowerCase());
  return origins;
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.origin === 'null' ? null : url.origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A change under /admin must come from the admin pages themselves: a request whose `Origin` (or,
 * without one, `Referer`) names another site is refused, whatever cookie it carries. Browsers send
 * `Origin` on every cross-site write; with neither header, the form's CSRF field still decides,
 * but Bull Board's writes have no such field, so for them one of the headers is required.
 */
export function refuseForeignOrigin(config: AppConfig, requireOriginFor: (path: string) => boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const stated = req.headers.origin ?? req.headers.referer;
    if (stated === undefined) {
      if (requireOriginFor(requestPath(req))) return refuse(req, res, 403, 'This change was refused: the request did not say which page sent it (no Origin or Referer header). Make it from the admin pages.');
      return next();
    }
    const origin = originOf(stated);
    if (origin === null || !ownOrigins(req, config).has(origin)) {
      return refuse(req, res, 403, 'This change was refused: it was sent from another site. Make it from the admin pages of this service.');
    }
    next();
  };
}
