import { Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { Authenticate, CurrentCaller, NumericParams, ReqMeta, requireCaller, type Caller, type RequestMetadata, UsersApiScopes } from '@app/shared';
import { ModerateUser } from '../application/commands/moderate-user/moderate-user.command.js';
import type { ModerationAction } from '../domain/user-state/user-state.events.js';

/**
 * `POST /users/:id/<action>`: GitLab's eight state actions. Each answers what GitLab answers,
 * odd bodies included (`null`, `false`, `{"message":"Success"}` with 201 or 200), so the status
 * and body come from the command.
 */
@UsersApiScopes()
@Controller('api/v4/users/:id')
@Authenticate('non_get')
@NumericParams('id')
export class ModerationController {
  constructor(private readonly commands: CommandBus) {}

  private async act(action: ModerationAction, id: string, caller: Caller | undefined, meta: RequestMetadata, res: Response): Promise<void> {
    const { user } = requireCaller(caller);
    const answer = await this.commands.execute(new ModerateUser({ action, userId: Number(id), caller: user }, meta));
    res.status(answer.status).json(answer.body);
  }

  @Post('block')
  @HttpCode(201)
  block(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('block', id, caller, meta, res);
  }

  @Post('unblock')
  @HttpCode(201)
  unblock(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('unblock', id, caller, meta, res);
  }

  @Post('deactivate')
  @HttpCode(201)
  deactivate(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('deactivate', id, caller, meta, res);
  }

  @Post('activate')
  @HttpCode(201)
  activate(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('activate', id, caller, meta, res);
  }

  @Post('ban')
  @HttpCode(201)
  ban(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('ban', id, caller, meta, res);
  }

  @Post('unban')
  @HttpCode(201)
  unban(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('unban', id, caller, meta, res);
  }

  @Post('approve')
  @HttpCode(201)
  approve(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('approve', id, caller, meta, res);
  }

  @Post('reject')
  @HttpCode(200)
  reject(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    return this.act('reject', id, caller, meta, res);
  }
}
