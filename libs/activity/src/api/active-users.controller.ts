import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  offsetPageOf,
  RequestParams,
  requireAdmin,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
} from '@app/shared';
import { ActiveUsersRepository, type ActiveUsersPeriod } from '../infrastructure/active-users.repository.js';
import { ListActiveUsersParams } from './dto/activity.params.js';

/** How far back the list starts when `from` is not given: 30 days, or 12 months. */
function defaultFrom(period: ActiveUsersPeriod, now: Date): string {
  const from = new Date(now);
  if (period === 'day') from.setUTCDate(from.getUTCDate() - 29);
  else from.setUTCMonth(from.getUTCMonth() - 11, 1);
  return from.toISOString().slice(0, 10);
}

/**
 * `GET /admin/active_users` (extension, admins): the daily or monthly active users the worker's
 * rollup computed, oldest first, with when each figure was computed.
 */
@Controller('api/v4/admin/active_users')
@Authenticate('required')
export class ActiveUsersController {
  constructor(
    private readonly rollups: ActiveUsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  list(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListActiveUsersParams) params: ParsedParams<ListActiveUsersParams>,
    @Req() req: GitlabRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    requireAdmin(caller);
    const period: ActiveUsersPeriod = params.period === 'month' ? 'month' : 'day';
    const now = new Date();
    const from = params.from ?? defaultFrom(period, now);
    const to = params.to ?? now.toISOString().slice(0, 10);
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.rollups.page(period, from, to, offset, limit), (row) => ({
      period: row.period,
      period_start: row.period_start,
      active_users: row.active_users,
      computed_at: row.computed_at.toISOString(),
    }));
  }
}
