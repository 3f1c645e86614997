import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { GetUserBasics } from '@app/identity';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  offsetPageOf,
  RequestParams,
  requireAdmin,
  UsersApiScopes,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
} from '@app/shared';
import { UserActivitiesRepository } from '../infrastructure/user-activities.repository.js';
import { ListUserActivitiesParams } from './dto/list-user-activities.params.js';

/** GitLab's default window: six months back from today. */
function sixMonthsAgo(now: Date): Date {
  const from = new Date(now);
  from.setUTCMonth(from.getUTCMonth() - 6);
  return from;
}

/**
 * `GET /user/activities` (admins, as GitLab's API page says): the day each user was last active,
 * for users active on or after `from`, oldest first, as GitLab's `UserActivity` entity.
 */
@UsersApiScopes()
@Controller('api/v4/user/activities')
@Authenticate('required')
export class UserActivitiesController {
  constructor(
    private readonly activities: UserActivitiesRepository,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListUserActivitiesParams) params: ParsedParams<ListUserActivitiesParams>,
    @Req() req: GitlabRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    requireAdmin(caller);
    const fromDay = (params.from ?? sixMonthsAgo(new Date())).toISOString().slice(0, 10);
    return offsetPageOf(
      req,
      res,
      this.config.externalUrl,
      async (offset, limit) => {
        const { rows, total } = await this.activities.page(fromDay, offset, limit);
        const users = await this.queries.execute(new GetUserBasics(rows.map((row) => row.userId)));
        const usernames = new Map(users.map((user) => [user.id, String(user.entity.username)]));
        // A user deleted between the two reads is left out rather than shown without a name.
        return { rows: rows.flatMap((row) => (usernames.has(row.userId) ? [{ ...row, username: usernames.get(row.userId)! }] : [])), total };
      },
      (row) => ({ username: row.username, last_activity_on: row.lastActivityOn, last_activity_at: row.lastActivityOn }),
    );
  }
}
