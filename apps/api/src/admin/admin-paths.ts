/** Where the admin area lives; every other admin path is under it. */
export const ADMIN_PATH = '/admin';
export const SIGN_IN_PATH = `${ADMIN_PATH}/sign_in`;
export const SIGN_OUT_PATH = `${ADMIN_PATH}/sign_out`;
export const AUDIT_PATH = `${ADMIN_PATH}/audit`;
export const AUDIT_EXPORT_PATH = `${AUDIT_PATH}/export.csv`;
export const QUEUES_PATH = `${ADMIN_PATH}/queues`;
export const ASSETS_PATH = `${ADMIN_PATH}/assets`;
export const STYLESHEET_PATH = `${ASSETS_PATH}/admin.css`;
/** The queue dashboard's address before it moved under the admin session; kept as a redirect. */
export const LEGACY_QUEUES_PATH = '/-/queues';

/** Holds the session id: only this service's `/admin` pages receive it, and no script can read it. */
export const SESSION_COOKIE = 'gitlab_users_admin_session';
/** Holds the sign-in form's CSRF value until there is a session (double submit). */
export const SIGN_IN_CSRF_COOKIE = 'gitlab_users_admin_sign_in_csrf';

/**
 * Admin paths that answer data to scripts and downloads, not pages: refused with a JSON 401
 * rather than a redirect to the sign-in form, which a script or a CSV reader could not follow.
 */
export function isAdminApiPath(path: string): boolean {
  return path === AUDIT_EXPORT_PATH || path.startsWith(`${QUEUES_PATH}/api/`);
}

/** Bull Board's own files (scripts, styles, locales): public, so the page loads the same with or without a session. */
export function isQueueDashboardFile(path: string): boolean {
  return path.startsWith(`${QUEUES_PATH}/static/`);
}

/** The path the client asked for, whichever router is looking at it (mounted routers see only their part). */
export function requestPath(req: { originalUrl: string }): string {
  const end = req.originalUrl.indexOf('?');
  return end < 0 ? req.originalUrl : req.originalUrl.slice(0, end);
}
