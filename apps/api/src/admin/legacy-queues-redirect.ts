import type { Request, Response } from 'express';
import { QUEUES_PATH } from './admin-paths.js';
import { refuseTokenInUrl } from './admin-request-guards.js';

/**
 * `/-/queues/…` (the dashboard's address before it moved under the admin session): a permanent
 * redirect to the same place under `/admin/queues`, method and body kept (308). A token in the
 * URL is refused here too, rather than repeated in the redirect's Location.
 */
export function legacyQueuesRedirect(req: Request, res: Response): void {
  refuseTokenInUrl(req, res, () => res.redirect(308, `${QUEUES_PATH}${req.url === '/' ? '/' : req.url}`));
}
