import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { GetUserBasics, UserNotFoundError } from '@app/identity';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  decodeIdCursor,
  encodeIdCursor,
  ForbiddenError,
  NumericParams,
  offsetPageOf,
  readOffsetPage,
  ReqMeta,
  RequestParams,
  requireCaller,
  setKeysetPaginationHeaders,
  UsersApiScopes,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
} from '@app/shared';
import { ChangeFollow } from '../application/commands/change-follow/change-follow.command.js';
import { FollowGraphRepository, type FollowDirection } from '../infrastructure/follow-graph.repository.js';
import { FollowListParams } from './dto/user-status.params.js';

/**
 * GitLab's follow endpoints. Following answers the followed user's `UserBasic` (201) or an empty
 * 304 when nothing changed; the lists are the active users at the other end, id ascending.
 */
@UsersApiScopes()
@Controller('api/v4/users/:id')
@Authenticate('non_get')
@NumericParams('id')
export class FollowsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly graph: FollowGraphRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('follow')
  follow(@Req() req: GitlabRequest, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.change('follow', Number(req.params.id), caller, meta, res);
  }

  @Post('unfollow')
  unfollow(@Req() req: GitlabRequest, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.change('unfollow', Number(req.params.id), caller, meta, res);
  }

  @Get('followers')
  followers(
    @Req() req: GitlabRequest,
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(FollowListParams) params: ParsedParams<FollowListParams>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    return this.list('followers', req, caller, params, res);
  }

  @Get('following')
  following(
    @Req() req: GitlabRequest,
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(FollowListParams) params: ParsedParams<FollowListParams>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    return this.list('following', req, caller, params, res);
  }

  private async change(action: 'follow' | 'unfollow', followeeId: number, caller: Caller | undefined, meta: RequestMetadata, res: Response): Promise<void> {
    const { user } = requireCaller(caller);
    // Read before the command: following changes nothing of what `UserBasic` shows, and one read
    // serves both the 404 and the answer.
    const [followee] = await this.queries.execute(new GetUserBasics([followeeId]));
    if (!followee) throw new UserNotFoundError();
    const target = { id: followee.id, username: String(followee.entity.username) };
    const { changed } = await this.commands.execute(new ChangeFollow({ action, follower: { id: user.id, username: user.username }, followee: target }, meta));
    if (!changed) {
      res.status(304).end();
      return;
    }
    res.status(201).json(followee.entity);
  }

  private async list(direction: FollowDirection, req: GitlabRequest, caller: Caller | undefined, params: ParsedParams<FollowListParams>, res: Response): Promise<unknown[]> {
    if (!caller) throw new ForbiddenError('Not authorized!', 'social.follow_list_requires_authentication');
    const page = readOffsetPage(req);
    const keyset = params.pagination === 'keyset';
    const after = keyset && params.cursor ? decodeIdCursor(params.cursor) : 0;
    const userId = Number(req.params.id);
    const [subject] = await this.queries.execute(new GetUserBasics([userId], { id: caller.user.id, isAdmin: caller.user.isAdmin }));
    // GitLab's `read_user_profile`: a private, blocked or unconfirmed profile is not found, but by its owner and admins.
    if (!subject || !subject.profileReadable) throw new UserNotFoundError();
    if (keyset) {
      const ids = await this.graph.page(userId, direction, page.perPage + 1, { after });
      const shown = ids.slice(0, page.perPage);
      const more = ids.length > page.perPage;
      setKeysetPaginationHeaders(res, req, this.config.externalUrl, page.perPage, more ? encodeIdCursor(shown[shown.length - 1]) : null);
      return this.entities(shown);
    }
    return offsetPageOf(
      req,
      res,
      this.config.externalUrl,
      async (offset, limit) => {
        const [ids, total] = await Promise.all([this.graph.page(userId, direction, limit, { offset }), this.graph.count(userId, direction)]);
        return { rows: await this.entities(ids), total };
      },
      (entity) => entity,
    );
  }

  private async entities(ids: number[]): Promise<unknown[]> {
    const users = await this.queries.execute(new GetUserBasics(ids));
    return users.map((user) => user.entity);
  }
}
