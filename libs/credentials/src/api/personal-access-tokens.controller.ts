import { Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticate, CurrentCaller, NumericParams, ReqMeta, RequestParams, requireAdmin, type Caller, type GitlabRequest, type ParsedParams, tokenExpired, type RequestMetadata, UsersApiScopes } from '@app/shared';
import { CreatePersonalAccessToken } from '../application/commands/create-personal-access-token/create-personal-access-token.command.js';
import { CreatePersonalAccessTokenParams } from './dto/create-personal-access-token.params.js';

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
    return {
      id: created.id,
      name: created.name,
      revoked: false,
      created_at: created.created_at,
      description: created.description,
      scopes: created.scopes,
      user_id: created.user_id,
      last_used_at: null,
      // `active?` = not revoked (a new token never is) and not expired.
      active: !tokenExpired(created.expires_at),
      expires_at: created.expires_at,
      token: created.token,
    };
  }
}
