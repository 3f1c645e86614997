import { Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticate, CurrentCaller, NumericParams, ReqMeta, RequestParams, requireAdmin, requireCaller, type Caller, type GitlabRequest, type ParsedParams, type RequestMetadata, UsersApiScopes } from '@app/shared';
import { CreatePersonalAccessToken } from '../application/commands/create-personal-access-token/create-personal-access-token.command.js';
import { CreatePersonalAccessTokenParams } from './dto/create-personal-access-token.params.js';
import { CreateOwnTokenParams } from './dto/access-token.params.js';
import { presentIssuedToken } from './presenters/access-token.presenter.js';

@UsersApiScopes()
@Controller('api/v4')
@Authenticate('non_get')
@NumericParams('user_id')
export class PersonalAccessTokensController {
  constructor(private readonly commands: CommandBus) {}

  /** `POST /users/:user_id/personal_access_tokens` (admin): the token is in this response only. */
  @Post('users/:user_id/personal_access_tokens')
  async create(
    @Req() req: GitlabRequest,
    @RequestParams(CreatePersonalAccessTokenParams) params: ParsedParams<CreatePersonalAccessTokenParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    requireAdmin(caller);
    const created = await this.commands.execute(
      new CreatePersonalAccessToken(
        {
          userId: Number(req.params.user_id),
          name: params.name,
          description: params.description ?? null,
          scopes: params.scopes,
          expiresAt: params.expires_at ?? null,
        },
        meta,
      ),
    );
    return presentIssuedToken(created);
  }

  /** `POST /user/personal_access_tokens`: a token for yourself, limited to `k8s_proxy` and `self_rotate`. */
  @Post('user/personal_access_tokens')
  async createOwn(
    @RequestParams(CreateOwnTokenParams) params: ParsedParams<CreateOwnTokenParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const { user } = requireCaller(caller);
    const created = await this.commands.execute(
      new CreatePersonalAccessToken({ userId: user.id, name: params.name, description: params.description ?? null, scopes: params.scopes, expiresAt: params.expires_at ?? null }, meta),
    );
    return presentIssuedToken(created);
  }
}
