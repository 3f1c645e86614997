import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  AllowScopes,
  APP_CONFIG,
  Authenticate,
  BadRequestError,
  CurrentCaller,
  MethodNotAllowedError,
  NotFoundError,
  NumericParams,
  offsetPageOf,
  ReqMeta,
  RequestParams,
  requireCaller,
  UnauthorizedError,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
} from '@app/shared';
import { RevokeAccessToken } from '../application/commands/revoke-access-token/revoke-access-token.command.js';
import { RotateAccessToken } from '../application/commands/rotate-access-token/rotate-access-token.command.js';
import { AVAILABLE_SCOPES } from '../domain/personal-access-token/personal-access-token.decider.js';
import { AccessTokensRepository, type AccessTokenRow } from '../infrastructure/access-tokens.repository.js';
import { CredentialOwners } from '../infrastructure/credential-owners.js';
import { presentAccessToken, presentIssuedToken } from './presenters/access-token.presenter.js';
import { ListAccessTokensParams, RotateAccessTokenParams } from './dto/access-token.params.js';

/** May `caller` manage `token`: their own, or any for an admin. */
const manages = (caller: Caller, token: AccessTokenRow) => caller.user.isAdmin || Number(token.user_id) === caller.user.id;

/**
 * GitLab's personal access tokens API: list (admins all, others their own), one by id or the one
 * making the request (`self`), revoke and rotate. Only admins learn whether a token id exists:
 * others get 401 for someone else's token and for a missing one alike.
 */
@Controller('api/v4/personal_access_tokens')
@Authenticate('required')
export class AccessTokensController {
  constructor(
    private readonly commands: CommandBus,
    private readonly tokens: AccessTokensRepository,
    private readonly owners: CredentialOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListAccessTokensParams) params: ParsedParams<ListAccessTokensParams>,
    @Req() req: GitlabRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    const { user } = requireCaller(caller);
    let userId: number | undefined;
    if (user.isAdmin) {
      if (params.user_id != null && !(await this.owners.byId(params.user_id))) throw new NotFoundError(null, 'credentials.token_owner_not_found');
      userId = params.user_id ?? undefined;
    } else {
      if (params.user_id != null && params.user_id !== user.id) throw new UnauthorizedError();
      userId = user.id;
    }
    const filters = {
      userId,
      impersonation: user.isAdmin ? undefined : false,
      revoked: params.revoked ?? undefined,
      state: params.state ?? undefined,
      createdBefore: params.created_before ?? undefined,
      createdAfter: params.created_after ?? undefined,
      lastUsedBefore: params.last_used_before ?? undefined,
      lastUsedAfter: params.last_used_after ?? undefined,
      expiresBefore: params.expires_before ?? undefined,
      expiresAfter: params.expires_after ?? undefined,
      search: params.search ?? undefined,
      sort: params.sort ?? undefined,
    };
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.tokens.page(filters, offset, limit), presentAccessToken);
  }

  /** Any token may read itself, whatever its scopes. */
  @Get('self')
  @AllowScopes(...AVAILABLE_SCOPES)
  async showSelf(@CurrentCaller() caller: Caller | undefined): Promise<unknown> {
    return presentAccessToken(await this.requestToken(caller));
  }

  /** Any token may revoke itself, whatever its scopes. */
  @Delete('self')
  @AllowScopes(...AVAILABLE_SCOPES)
  @HttpCode(204)
  async revokeSelf(@CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata): Promise<void> {
    const token = await this.requestToken(caller);
    await this.commands.execute(new RevokeAccessToken({ tokenId: Number(token.id), userId: Number(token.user_id) }, meta));
  }

  /** A token with `api` or `self_rotate` may replace itself; an impersonation token may not (405). */
  @Post('self/rotate')
  @AllowScopes('api', 'self_rotate')
  @HttpCode(200)
  async rotateSelf(@CurrentCaller() caller: Caller | undefined, @RequestParams(RotateAccessTokenParams) params: ParsedParams<RotateAccessTokenParams>, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    const token = await this.requestToken(caller);
    if (token.impersonation) throw new MethodNotAllowedError();
    return presentIssuedToken(await this.commands.execute(new RotateAccessToken({ tokenId: Number(token.id), userId: Number(token.user_id), expiresAt: params.expires_at ?? null }, meta)));
  }

  @Get(':id')
  @NumericParams('id')
  async show(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest): Promise<unknown> {
    return presentAccessToken(await this.managedToken(requireCaller(caller), Number(req.params.id)));
  }

  /** GitLab answers a bare 400 when the caller may not revoke the token (it exists: a missing one is 404). */
  @Delete(':id')
  @NumericParams('id')
  @HttpCode(204)
  async revoke(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    const current = requireCaller(caller);
    const id = Number(req.params.id);
    const token = await this.tokens.find(id);
    if (!token) throw new NotFoundError(null, 'credentials.token_not_found');
    if (!manages(current, token)) throw new BadRequestError(null, 'credentials.token_not_revocable');
    await this.commands.execute(new RevokeAccessToken({ tokenId: id, userId: Number(token.user_id) }, meta));
  }

  @Post(':id/rotate')
  @NumericParams('id')
  @HttpCode(200)
  async rotate(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(RotateAccessTokenParams) params: ParsedParams<RotateAccessTokenParams>,
    @Req() req: GitlabRequest,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const token = await this.managedToken(requireCaller(caller), Number(req.params.id));
    return presentIssuedToken(await this.commands.execute(new RotateAccessToken({ tokenId: Number(token.id), userId: Number(token.user_id), expiresAt: params.expires_at ?? null }, meta)));
  }

  /** The token by id if the caller manages it; else 404 for admins, 401 for others (who must not learn which ids exist). */
  private async managedToken(caller: Caller, id: number): Promise<AccessTokenRow> {
    const token = await this.tokens.find(id);
    if (token && manages(caller, token)) return token;
    if (caller.user.isAdmin) throw new NotFoundError(null, 'credentials.token_not_found');
    throw new UnauthorizedError();
  }

  /** The token the request was made with. */
  private async requestToken(caller: Caller | undefined): Promise<AccessTokenRow> {
    const token = await this.tokens.find(requireCaller(caller).token.id);
    if (!token) throw new UnauthorizedError();
    return token;
  }
}
