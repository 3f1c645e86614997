import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { isAdminApiPath, requestPath, SIGN_IN_PATH } from './admin-paths.js';
import { messagePage, type SignedInAdmin } from './views/layout.js';

/** The signed-in admin of this request, set by the session check. */
export function signedInAdmin(res: Response): SignedInAdmin | undefined {
  return res.locals.admin as SignedInAdmin | undefined;
}

/** An HTML page, with what every admin page needs. */
export function sendPage(res: Response, status: number, page: string): void {
  res.status(status).type('html').send(page);
}

/**
 * Refuses a request in the form its client reads: a JSON body like the API's for the data routes
 * (the dashboard's script, a CSV download), a page saying what to do for everything else.
 */
export function refuse(req: Request, res: Response, status: number, message: string): void {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (isAdminApiPath(requestPath(req))) {
    res.status(status).type('application/json').send(JSON.stringify({ message: `${status} ${reason} - ${message}` }));
    return;
  }
  const next = status === 401 || status === 403 ? { href: SIGN_IN_PATH, label: 'Go to the sign-in page' } : undefined;
  sendPage(res, status, messagePage(reason, message, signedInAdmin(res), next));
}
