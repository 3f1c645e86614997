import { encodeAuditCursor, streamAuditEventsCsv, type AuditEventsRepository } from '@app/activity';
import express, { type Request, type Response, type Router } from 'express';
import { refuse, sendPage, signedInAdmin } from './admin-responses.js';
import { parseRecordId, parseReviewQuery, reviewQueryString } from './audit-review-query.js';
import { auditDetailPage } from './views/audit-detail-page.js';
import { auditListPage } from './views/audit-list-page.js';

/** Events per page of the review list. */
const PAGE_SIZE = 50;

/** The review pages under `/admin/audit`, for a signed-in admin (the session check runs before). */
export function auditReviewRoutes(auditEvents: AuditEventsRepository): Router {
  const router = express.Router({ caseSensitive: true, strict: false });

  router.get('/', async (req: Request, res: Response) => {
    const admin = signedInAdmin(res)!;
    const query = parseReviewQuery(req.query as Record<string, unknown>);
    if (query.errors.length) {
      return sendPage(res, 400, auditListPage({ admin, values: query.values, errors: query.errors, rows: [], cursor: null, nextCursor: null }));
    }
    const { rows, positions } = await auditEvents.keysetPage(query.filter, query.after, PAGE_SIZE + 1);
    const more = rows.length > PAGE_SIZE;
    const nextCursor = more ? encodeAuditCursor(positions[PAGE_SIZE - 1]) : null;
    sendPage(res, 200, auditListPage({ admin, values: query.values, errors: [], rows: rows.slice(0, PAGE_SIZE), cursor: query.cursor, nextCursor }));
  });

  // Before `/:id`, which would take `export.csv` for an id.
  router.get('/export.csv', async (req: Request, res: Response) => {
    const query = parseReviewQuery(req.query as Record<string, unknown>);
    if (query.errors.length) return refuse(req, res, 400, `The export's filter cannot be used: ${query.errors.join(' ')}`);
    await streamAuditEventsCsv(auditEvents, query.filter, res);
  });

  router.get('/:id', async (req: Request, res: Response) => {
    const admin = signedInAdmin(res)!;
    const raw = String(req.params.id);
    const id = parseRecordId(raw);
    if (id === null) return refuse(req, res, 400, `"${raw}" is not an audit event id: event ids are numbers. Open events from the audit log.`);
    const event = await auditEvents.findById(id);
    if (!event) return refuse(req, res, 404, `There is no audit event ${id}. Open events from the audit log.`);
    const query = parseReviewQuery(req.query as Record<string, unknown>);
    const back = query.errors.length ? '' : reviewQueryString(query.values, query.cursor ? { cursor: query.cursor } : {});
    sendPage(res, 200, auditDetailPage(admin, event, back));
  });

  return router;
}
