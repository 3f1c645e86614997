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
  setOffsetPaginationHeaders,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
} from '@app/shared';
import { AuditEventsRepository, type AuditEventRow } from '../infrastructure/audit-events.repository.js';
import { ListAuditEventsParams } from './dto/list-audit-events.params.js';

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

/** Instance audit events, for admins (GitLab's `/audit_events`). */
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
    if (params.entity_id != null && params.entity_type == null) throw new ParamsInvalidError(['entity_type is missing']);
    const page = readOffsetPage(req);
    const result = await this.auditEvents.list({
      entityType: params.entity_type ?? undefined,
      entityId: params.entity_id ?? undefined,
      createdAfter: params.created_after ?? undefined,
      createdBefore: params.created_before ?? undefined,
      offset: page.offset,
      limit: page.perPage,
    });
    setOffsetPaginationHeaders(res, req, this.config.externalUrl, page, result.total, result.hasMore);
    return result.rows.map(present);
  }

  @Get('audit_events/:id')
  async show(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest): Promise<unknown> {
    requireAdmin(caller);
    const row = await this.auditEvents.findById(Number(req.params.id));
    if (!row) throw new NotFoundError('Audit Event', 'activity.audit_event_not_found');
    return present(row);
  }
}
