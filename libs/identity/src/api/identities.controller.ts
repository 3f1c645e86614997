import { Controller, Delete, HttpCode, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticate, CurrentCaller, NumericParams, ReqMeta, requireAdmin, type Caller, type GitlabRequest, type RequestMetadata, unmodifiedSinceOf, UsersApiScopes } from '@app/shared';
import { DeleteIdentity } from '../application/commands/delete-identity/delete-identity.command.js';

/** A user's external identities (reference §8). */
@UsersApiScopes()
@Controller('api/v4')
@NumericParams('id')
export class IdentitiesController {
  constructor(private readonly commands: CommandBus) {}

  @Delete('users/:id/identities/:provider')
  @Authenticate('non_get')
  @HttpCode(204)
  async remove(@Req() req: GitlabRequest, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata): Promise<void> {
    requireAdmin(caller);
    await this.commands.execute(
      new DeleteIdentity(
        {
          userId: Number(req.params.id),
          provider: String(req.params.provider),
          unmodifiedSince: unmodifiedSinceOf(req),
        },
        meta,
      ),
    );
  }
}
