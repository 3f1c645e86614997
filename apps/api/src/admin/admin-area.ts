import type { AuditEventsRepository } from '@app/activity';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppConfig, CallerDirectory, Database, QueueRegistry, RedisRateLimiter } from '@app/shared';
import { ADMIN_PATH, AUDIT_PATH, isQueueDashboardFile, LEGACY_QUEUES_PATH, QUEUES_PATH, requestPath } from './admin-paths.js';
import { adminErrors, adminNotFound } from './admin-errors.js';
import { adminSecurityHeaders, refuseForeignOrigin, refuseTokenInUrl } from './admin-request-guards.js';
import { AdminSessionStore } from './admin-session-store.js';
import { requireAdminSession } from './admin-session.js';
import { adminStylesheet } from './admin-stylesheet.js';
import { auditReviewRoutes } from './audit-review-routes.js';
import { legacyQueuesRedirect } from './legacy-queues-redirect.js';
import { queueDashboard } from './queue-dashboard.js';
import { signInRoutes } from './sign-in-routes.js';

export interface AdminAreaDependencies {
  config: AppConfig;
  db: Database;
  directory: CallerDirectory;
  auditEvents: AuditEventsRepository;
  queues: QueueRegistry;
  /** Counts refused sign-ins per client address (ADMIN_SIGN_IN_LIMIT). */
  limiter: RedisRateLimiter;
}

/**
 * The admin area, a plain Express router beside the API (so it stays out of the OpenAPI
 * document): the sign-in form, the audit review pages and the queue dashboard, all behind one
 * server-side session. In order: headers every answer carries, refusals that need no session (a
 * token in the URL, a write from another site), the public files and the sign-in form, then the
 * session check for everything else.
 */
export function adminArea({ config, db, directory, auditEvents, queues, limiter }: AdminAreaDependencies) {
  const store = new AdminSessionStore(db, config.adminSessionTtlSeconds);
  const session = requireAdminSession(store, directory, config);
  const router = express.Router({ caseSensitive: true });

  router.use(adminSecurityHeaders(QUEUES_PATH));
  router.use(refuseTokenInUrl);
  // Bull Board's writes carry no CSRF field: for them, the request must say it came from here.
  router.use(refuseForeignOrigin(config, (path) => path.startsWith(`${QUEUES_PATH}/`)));
  router.get('/assets/admin.css', adminStylesheet());
  router.use(signInRoutes(store, directory, config, limiter));
  router.use(
    '/queues',
    (req: Request, res: Response, next: NextFunction) => ((req.method === 'GET' || req.method === 'HEAD') && isQueueDashboardFile(requestPath(req)) ? next() : session(req, res, next)),
    queueDashboard(queues),
  );
  router.use(session);
  router.get('/', (_req: Request, res: Response) => res.redirect(303, AUDIT_PATH));
  router.use('/audit', auditReviewRoutes(auditEvents));
  router.use(adminNotFound);
  router.use(adminErrors);

  return { path: ADMIN_PATH, router, legacyPath: LEGACY_QUEUES_PATH, legacyRedirect: legacyQueuesRedirect };
}
