import { Controller, Delete, Get, HttpCode, Inject, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  unmodifiedSinceOf,
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  ForbiddenError,
  MethodNotAllowedError,
  NumericParams,
  readOffsetPage,
  RateLimit,
  ReqMeta,
  RequestParams,
  requireAdmin,
  requireCaller,
  setKeysetPaginationHeaders,
  setOffsetPaginationHeaders,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
  UsersApiScopes,
} from '@app/shared';
import { CreateUser } from '../application/commands/create-user/create-user.command.js';
import { DeleteUser } from '../application/commands/delete-user/delete-user.command.js';
import { UpdateUser } from '../application/commands/update-user/update-user.command.js';
import { GetUser } from '../application/queries/get-user/get-user.query.js';
import type { UserRow } from '../infrastructure/user-row.js';
import { ListUsers } from '../application/queries/list-users/list-users.query.js';
import { ListCustomAttributes } from '../application/queries/list-custom-attributes/list-custom-attributes.query.js';
import { UserNotFoundError } from '../domain/user/user.errors.js';
import { assertCursorLength, decodeCursor } from '../infrastructure/user-keyset.js';
import { keysetColumn, keysetSupported } from '../infrastructure/users-read.repository.js';
import { CreateUserParams } from './dto/create-user.params.js';
import { DeleteUserParams } from './dto/delete-user.params.js';
import { ShowUserParams } from './dto/show-user.params.js';
import { listFilters, ListUsersParams, wantsIdentityLookup } from './dto/list-users.params.js';
import { UpdateUserParams } from './dto/update-user.params.js';
import { avatarFromParams, profileChanges, profileFromCreate } from './dto/user-params.mapping.js';
import { userBasic, userDetailsWithAdmin, userEntity, userPublic, userWithAdmin, type PresenterContext, type Viewer } from './presenters/user-entities.js';

/** Offset pages deeper than this answer 405 for users (GitLab's `offset_pagination_limit`). */
const MAX_USER_OFFSET = 50_000;

const viewerOf = (caller: Caller | undefined): Viewer | null => (caller ? { id: caller.user.id, isAdmin: caller.user.isAdmin } : null);

@UsersApiScopes()
@Controller('api/v4')
@NumericParams('id')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private ctx(): PresenterContext {
    return { externalUrl: this.config.externalUrl, now: new Date() };
  }

  /** A user a command of this request just wrote (commands answer ids; entities come from the read side). */
  private async readBack(id: number): Promise<UserRow> {
    const row = await this.queries.execute(new GetUser(id));
    if (!row) throw new UserNotFoundError();
    return row;
  }

  @Get('users')
  async list(
    @RequestParams(ListUsersParams) params: ParsedParams<ListUsersParams>,
    @CurrentCaller() caller: Caller | undefined,
    @Req() req: GitlabRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    // `authenticated_as_admin!` when both identity params are given, before the list permission check.
    if (wantsIdentityLookup(params)) requireAdmin(caller);
    if (!caller && !params.username) throw new ForbiddenError('Not authorized to access /api/v4/users', 'identity.list_requires_username');
    // Offset links repeat the cursor as sent, so an oversized one is refused in either mode.
    if (params.cursor) assertCursorLength(params.cursor);
    const page = readOffsetPage(req);
    const isAdmin = caller?.user.isAdmin ?? false;
    // Custom attributes are admin-only (GitLab's `read_custom_attribute`); others are silently ignored.
    const withCustomAttributes = isAdmin && params.with_custom_attributes === true;
    const criteria = {
      username: params.username ?? undefined,
      search: params.search ?? undefined,
      filters: listFilters(params, isAdmin),
      orderBy: params.order_by ?? undefined,
      sort: params.sort ?? undefined,
      viewerIsAdmin: isAdmin,
      offset: page.offset,
      limit: page.perPage,
    };
    if (params.pagination === 'keyset') {
      if (!keysetSupported(criteria)) throw new MethodNotAllowedError('Keyset pagination is not yet available for this type of request', 'http.keyset_unavailable');
      const after = params.cursor ? decodeCursor(keysetColumn(criteria.orderBy), params.cursor) : null;
      const result = await this.queries.execute(new ListUsers({ ...criteria, offset: 0, keyset: { after } }, withCustomAttributes));
      setKeysetPaginationHeaders(res, req, this.config.externalUrl, page.perPage, result.nextCursor ?? null);
      const [viewer, ctx] = [viewerOf(caller), this.ctx()];
      return result.rows.map((row) => (isAdmin ? userWithAdmin(row, viewer, ctx) : userBasic(row, ctx)));
    }
    // GitLab multiplies the requested per_page, before Kaminari clamps it to 100.
    const requestedPerPage = params.per_page !== null && params.per_page !== undefined && params.per_page > 0 ? params.per_page : page.perPage;
    if (page.page * requestedPerPage > MAX_USER_OFFSET) {
      throw new MethodNotAllowedError(
        `Offset pagination has a maximum allowed offset of ${MAX_USER_OFFSET} for requests that return objects of type User. Remaining records can be retrieved using keyset pagination.`,
        'http.offset_too_deep',
      );
    }
    const result = await this.queries.execute(new ListUsers(criteria, withCustomAttributes));
    setOffsetPaginationHeaders(res, req, this.config.externalUrl, page, result.total, result.hasMore);
    const ctx = this.ctx();
    const viewer = viewerOf(caller);
    return result.rows.map((row) =>
      isAdmin ? userWithAdmin(row, viewer, ctx) : userBasic(row, ctx),
    );
  }

  @Get('users/:id')
  @RateLimit('users_get_by_id')
  async show(
    @Req() req: GitlabRequest,
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ShowUserParams) params: ParsedParams<ShowUserParams>,
  ): Promise<unknown> {
    if (!caller) throw new ForbiddenError('Not authorized!', 'identity.show_requires_authentication');
    const found = await this.queries.execute(new GetUser(Number(req.params.id), caller.user.id));
    if (!found) throw new UserNotFoundError();
    // `with_custom_attributes` only takes effect for admins (GitLab's `read_custom_attribute`).
    if (caller.user.isAdmin && params.with_custom_attributes) found.custom_attributes = (await this.queries.execute(new ListCustomAttributes(found.id, true))) ?? [];
    const viewer = viewerOf(caller);
    return caller.user.isAdmin ? userDetailsWithAdmin(found, viewer, this.ctx(), found.is_followed) : userEntity(found, viewer, this.ctx(), found.is_followed);
  }

  @Get('user')
  @Authenticate('required')
  async current(@CurrentCaller() caller: Caller | undefined): Promise<unknown> {
    const me = requireCaller(caller);
    const found = await this.queries.execute(new GetUser(me.user.id));
    if (!found) throw new UserNotFoundError();
    const viewer = viewerOf(me);
    return me.user.isAdmin ? userWithAdmin(found, viewer, this.ctx()) : userPublic(found, viewer, this.ctx());
  }

  @Post('users')
  @Authenticate('non_get')
  async create(
    @RequestParams(CreateUserParams) params: ParsedParams<CreateUserParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const avatar = avatarFromParams(params);
    const admin = requireAdmin(caller);
    const passwordMode = params.reset_password ? 'reset' : params.force_random_password ? 'random' : 'given';
    const id = await this.commands.execute(
      new CreateUser(
        {
          profile: profileFromCreate(params),
          password: params.password ?? null,
          passwordMode,
          skipConfirmation: params.skip_confirmation === true,
          identity: params.extern_uid && params.provider ? { provider: params.provider, extern_uid: params.extern_uid } : null,
          createdById: admin.user.id,
          avatar,
        },
        meta,
      ),
    );
    return userWithAdmin(await this.readBack(id), viewerOf(admin), this.ctx());
  }

  @Put('users/:id')
  @Authenticate('non_get')
  async update(
    @Req() req: GitlabRequest,
    @RequestParams(UpdateUserParams) params: ParsedParams<UpdateUserParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const avatar = avatarFromParams(params);
    const admin = requireAdmin(caller);
    const userId = Number(req.params.id);
    const updated = await this.commands.execute(
      new UpdateUser(
        {
          userId,
          actorId: admin.user.id,
          changes: profileChanges(params),
          password: params.password ?? null,
          skipReconfirmation: params.skip_reconfirmation === true,
          identity: params.extern_uid && params.provider ? { provider: params.provider, extern_uid: params.extern_uid } : null,
          avatar,
        },
        meta,
      ),
    );
    return userWithAdmin(updated ?? (await this.readBack(userId)), viewerOf(admin), this.ctx());
  }

  @Delete('users/:id')
  @Authenticate('non_get')
  @HttpCode(204)
  async remove(
    @Req() req: GitlabRequest,
    @RequestParams(DeleteUserParams) params: ParsedParams<DeleteUserParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<void> {
    requireAdmin(caller);
    await this.commands.execute(
      new DeleteUser(
        { userId: Number(req.params.id), hardDelete: params.hard_delete === true, unmodifiedSince: unmodifiedSinceOf(req) },
        meta,
      ),
    );
  }
}
