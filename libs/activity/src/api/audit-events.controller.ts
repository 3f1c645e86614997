import { once } from 'node:events';
import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  NotFoundError,
  NumericParams,
  ParamsInvalidError,
  readOffsetPage,
  RequestParams,
  requireAdmin,
  setKeysetPaginationHeaders,
  setOffsetPaginationHeaders,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
} from '@app/shared';
import { AuditEventsRepository, type AuditEventFilter, type AuditEventRow } from '../infrastructure/audit-events.repository.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit-event-cursor.js';
import { AuditEventFilterParams, ListAuditEventsParams } from './dto/list-audit-events.params.js';

/** Rows read per round trip while exporting: the export holds no more than this in memory, whatever the log's size. */
const EXPORT_BATCH = 1000;

/** The export's columns: the reviewer's questions first (when, who, to whom, what), then everything else as JSON. */
const CSV_COLUMNS = ['id', 'created_at', 'author_id', 'author_name', 'entity_type', 'entity_id', 'target_details', 'event_name', 'message', 'ip_address', 'details'];

function present(row: AuditEventRow): Record<string, unknown> {
  return {
    id: row.id,
    author_id: row.author_id,
    entity_id: row.entity_id,
    entity_type: row.entity_type,
    event_name: row.event_name,
    details: row.details,
    created_at: row.created_at.toISOString(),
  };
}

function csvRecord(row: AuditEventRow): unknown[] {
  const details = row.details as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  return [
    row.id,
    row.created_at.toISOString(),
    row.author_id,
    text(details.author_name),
    row.entity_type,
    row.entity_id,
    text(details.target_details),
    row.event_name,
    text(details.custom_message),
    text(details.ip_address),
    JSON.stringify(details),
  ];
}

function filterOf(params: ParsedParams<AuditEventFilterParams>): AuditEventFilter {
  if (params.entity_id != null && params.entity_type == null) throw new ParamsInvalidError(['entity_type is missing']);
  return {
    entityType: params.entity_type ?? undefined,
    entityId: params.entity_id ?? undefined,
    authorId: params.author_id ?? undefined,
    eventName: params.event_name ?? undefined,
    createdAfter: params.created_after ?? undefined,
    createdBefore: params.created_before ?? undefined,
  };
}

/**
 * Instance audit events, for admins (GitLab's `/audit_events`), newest first: offset pages with
 * totals, or keyset pages (`pagination=keyset`: a `rel="next"` link, no totals) for a log of any
 * length; and the CSV export of any filter (extension).
 */
@Controller('api/v4')
@Authenticate('required')
@NumericParams('id')
export class AuditEventsController {
  private readonly logger = new Logger(AuditEventsController.name);

  constructor(
    private readonly auditEvents: AuditEventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('audit_events')
  async list(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListAuditEventsParams) params: ParsedParams<ListAuditEventsParams>,
    @Req() req: GitlabRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    requireAdmin(caller);
    const filter = filterOf(params);
    const page = readOffsetPage(req);
    if (params.pagination === 'keyset') {
      const after = params.cursor ? decodeAuditCursor(params.cursor) : null;
      const { rows, positions } = await this.auditEvents.keysetPage(filter, after, page.perPage + 1);
      const more = rows.length > page.perPage;
      setKeysetPaginationHeaders(res, req, this.config.externalUrl, page.perPage, more ? encodeAuditCursor(positions[page.perPage - 1]) : null);
      return rows.slice(0, page.perPage).map(present);
    }
    const result = await this.auditEvents.list({ ...filter, offset: page.offset, limit: page.perPage });
    setOffsetPaginationHeaders(res, req, this.config.externalUrl, page, result.total, result.hasMore);
    return result.rows.map(present);
  }

  /**
   * Every row of a filter as CSV, streamed: read in keyset batches and written as the client takes
   * them (a slow reader pauses the reads), so memory stays flat for a log of any size. Declared
   * before `:id` so that Express routes `export` here.
   */
  @Get('audit_events/export')
  async export(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(AuditEventFilterParams) params: ParsedParams<AuditEventFilterParams>,
    @Res() res: Response,
  ): Promise<void> {
    requireAdmin(caller);
    const filter = filterOf(params);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-events-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv"`);
    const csv = stringify({ header: true, columns: CSV_COLUMNS });
    csv.pipe(res);
    let closed = false;
    const gone = once(res, 'close').then(() => (closed = true));
    try {
      let after = null;
      for (;;) {
        const { rows, positions } = await this.auditEvents.keysetPage(filter, after, EXPORT_BATCH);
        for (const row of rows) {
          // A reader that went away never drains the stream: stop waiting for it then.
          if (!csv.write(csvRecord(row))) await Promise.race([once(csv, 'drain'), gone]);
          if (closed) break;
        }
        if (rows.length < EXPORT_BATCH || closed) break;
        after = positions[positions.length - 1];
      }
      csv.end();
    } catch (error) {
      // The status and part of the file are sent already: cut the download short so the client sees it failed.
      this.logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'The audit export failed part way; the download was cut short');
      res.destroy(error instanceof Error ? error : undefined);
    }
  }

  @Get('audit_events/:id')
  async show(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest): Promise<unknown> {
    requireAdmin(caller);
    const row = await this.auditEvents.findById(Number(req.params.id));
    if (!row) throw new NotFoundError('Audit Event', 'activity.audit_event_not_found');
    return present(row);
  }
}
