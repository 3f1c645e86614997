import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  NotFoundError,
  NumericParams,
  offsetPageOf,
  ReqMeta,
  RequestParams,
  requireAdmin,
  UsersApiScopes,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
} from '@app/shared';
import { CreatePersonalAccessToken } from '../application/commands/create-personal-access-token/create-personal-access-token.command.js';
import { RevokeAccessToken } from '../application/commands/revoke-access-token/revoke-access-token.command.js';
import { AccessTokensRepository, type AccessTokenRow } from '../infrastructure/access-tokens.repository.js';
import { CredentialOwners } from '../infrastructure/credential-owners.js';
import { presentImpersonationToken, presentIssuedToken } from './presenters/access-token.presenter.js';
import { CreateImpersonationTokenParams, ListImpersonationTokensParams } from './dto/access-token.params.js';

class ImpersonationTokenNotFoundError extends NotFoundError {
  constructor() {
    super('Impersonation Token', 'credentials.impersonation_token_not_found');
  }
}

/**
 * GitLab's impersonation tokens (`/users/:user_id/impersonation_tokens`), for admins only: the
 * admin check comes before the user is looked up, so a non-admin learns nothing about ids.
 */
@UsersApiScopes()
@Controller('api/v4/users/:user_id/impersonation_tokens')
@Authenticate('required')
@NumericParams('user_id')
export class ImpersonationTokensController {
  constructor(
    private readonly commands: CommandBus,
    private readonly tokens: AccessTokensRepository,
    private readonly owners: CredentialOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListImpersonationTokensParams) params: ParsedParams<ListImpersonationTokensParams>,
    @Req() req: GitlabRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    requireAdmin(caller);
    const owner = await this.owners.existing(Number(req.params.user_id));
    const state = params.state === 'active' || params.state === 'inactive' ? params.state : undefined;
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.tokens.page({ userId: owner.id, impersonation: true, state }, offset, limit), presentImpersonationToken);
  }

  @Post()
  async create(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(CreateImpersonationTokenParams) params: ParsedParams<CreateImpersonationTokenParams>,
    @Req() req: GitlabRequest,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const { user: admin } = requireAdmin(caller);
    const owner = await this.owners.existing(Number(req.params.user_id));
    const created = await this.commands.execute(
      new CreatePersonalAccessToken(
        { userId: owner.id, name: params.name, description: params.description ?? null, scopes: params.scopes ?? [], expiresAt: params.expires_at ?? null, impersonatorId: admin.id },
        meta,
      ),
    );
    return presentIssuedToken(created);
  }

  @Get(':impersonation_token_id')
  @NumericParams('user_id', 'impersonation_token_id')
  async show(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest): Promise<unknown> {
    requireAdmin(caller);
    return presentImpersonationToken(await this.tokenOf(req));
  }

  /** Revokes (the row stays, `revoked: true`); revoking again is a 204 too. */
  @Delete(':impersonation_token_id')
  @NumericParams('user_id', 'impersonation_token_id')
  @HttpCode(204)
  async revoke(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    requireAdmin(caller);
    const token = await this.tokenOf(req);
    await this.commands.execute(new RevokeAccessToken({ tokenId: Number(token.id), userId: Number(token.user_id) }, meta));
  }

  /** The user's impersonation token with that id: 404 User first, then 404 Impersonation Token (a personal token is none). */
  private async tokenOf(req: GitlabRequest): Promise<AccessTokenRow> {
    const owner = await this.owners.existing(Number(req.params.user_id));
    const id = Number(req.params.impersonation_token_id);
    const token = await this.tokens.find(id);
    if (!token || !token.impersonation || Number(token.user_id) !== owner.id) throw new ImpersonationTokenNotFoundError();
    return token;
  }
}
