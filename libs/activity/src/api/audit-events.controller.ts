import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
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
import { streamAuditEventsCsv } from './audit-events-csv.js';
import { AuditEventFilterParams, ListAuditEventsParams } from './dto/list-audit-events.params.js';

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

  /** Every row of a filter as CSV, streamed. Declared before `:id` so that Express routes `export` here. */
  @Get('audit_events/export')
  async export(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(AuditEventFilterParams) params: ParsedParams<AuditEventFilterParams>,
    @Res() res: Response,
  ): Promise<void> {
    requireAdmin(caller);
    await streamAuditEventsCsv(this.auditEvents, filterOf(params), res);
  }

  @Get('audit_events/:id')
  async show(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest): Promise<unknown> {
    requireAdmin(caller);
    const row = await this.auditEvents.findById(Number(req.params.id));
    if (!row) throw new NotFoundError('Audit Event', 'activity.audit_event_not_found');
    return present(row);
  }
}
