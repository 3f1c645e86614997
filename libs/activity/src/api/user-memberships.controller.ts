import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { GetUserBasics, UserNotFoundError } from '@app/identity';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  ForbiddenError,
  NumericParams,
  offsetPageOf,
  RequestParams,
  requireAdmin,
  requireCaller,
  UsersApiScopes,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
} from '@app/shared';
import type { MembershipSourceType } from '../domain/ingestion/ingestion.events.js';
import { MembershipsRepository } from '../infrastructure/memberships.repository.js';
import { UserCountsRepository } from '../infrastructure/user-counts.repository.js';
import { ListMembershipsParams } from './dto/activity.params.js';

/**
 * A user's memberships and association counts, from what the services owning projects and groups
 * reported. The token is read for GETs but required by each method, after Grape's parameter checks.
 */
@UsersApiScopes()
@Controller('api/v4/users/:id')
@Authenticate('non_get')
@NumericParams('id')
export class UserMembershipsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly memberships: MembershipsRepository,
    private readonly counts: UserCountsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Admins only (after the `type` check, as Grape validates first), then 404 for a missing user; GitLab's `Membership` entity, oldest first. */
  @Get('memberships')
  async list(
    @Req() req: GitlabRequest,
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListMembershipsParams) params: ParsedParams<ListMembershipsParams>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    requireAdmin(caller);
    const userId = Number(req.params.id);
    await this.requireUser(userId);
    const type = (params.type ?? null) as MembershipSourceType | null;
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.memberships.page(userId, type, offset, limit), (row) => row);
  }

  /** 401, then 404 for a missing user (before the permission check, as GitLab), then 403 unless yourself or an admin. */
  @Get('associations_count')
  async associationsCount(@Req() req: GitlabRequest, @CurrentCaller() caller: Caller | undefined): Promise<unknown> {
    const { user } = requireCaller(caller);
    const userId = Number(req.params.id);
    await this.requireUser(userId);
    if (!user.isAdmin && user.id !== userId) throw new ForbiddenError(null, 'activity.associations_count_forbidden');
    return this.counts.associationsOf(userId);
  }

  private async requireUser(userId: number): Promise<void> {
    const [found] = await this.queries.execute(new GetUserBasics([userId]));
    if (!found) throw new UserNotFoundError();
  }
}
