import { Controller, Get, Patch, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { UserLookup, UserNotFoundError } from '@app/identity';
import {
  Authenticate,
  CurrentCaller,
  ReqMeta,
  RequestParams,
  requireCaller,
  UsersApiScopes,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
} from '@app/shared';
import { SetUserStatus, type SetUserStatusInput } from '../application/commands/set-user-status/set-user-status.command.js';
import { UserStatusesRepository } from '../infrastructure/user-statuses.repository.js';
import { SetUserStatusParams } from './dto/user-status.params.js';
import { presentUserStatus } from './presenters/user-status.presenter.js';

const STATUS_FIELDS = ['emoji', 'message', 'availability', 'clear_status_after'] as const;

/** GitLab's user status endpoints: read anyone's (no token needed), set your own. */
@UsersApiScopes()
@Controller('api/v4')
@Authenticate('non_get')
export class UserStatusController {
  constructor(
    private readonly commands: CommandBus,
    private readonly statuses: UserStatusesRepository,
    private readonly users: UserLookup,
  ) {}

  @Get('user/status')
  @Authenticate('required')
  async own(@CurrentCaller() caller: Caller | undefined): Promise<unknown> {
    return presentUserStatus(await this.statuses.current(requireCaller(caller).user.id));
  }

  /** By id when all digits, else by username (case-insensitive); a private profile does not hide it. */
  @Get('users/:id_or_username/status')
  async ofUser(@Req() req: GitlabRequest): Promise<unknown> {
    const key = String(req.params.id_or_username);
    const user = /^\d+$/.test(key) ? await this.users.identityOf(Number(key)) : await this.users.byUsername(key);
    if (!user) throw new UserNotFoundError();
    return presentUserStatus(await this.statuses.current(user.id));
  }

  /** Full replace: a field not sent counts as null, so an empty PUT clears the status (answer `null`). */
  @Put('user/status')
  put(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(SetUserStatusParams) params: ParsedParams<SetUserStatusParams>,
    @ReqMeta() meta: RequestMetadata,
    @Res() res: Response,
  ): Promise<void> {
    return this.set('put', caller, params, meta, res);
  }

  /** Only the fields sent change; an empty PATCH changes nothing and answers `null`, as GitLab does. */
  @Patch('user/status')
  async patch(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(SetUserStatusParams) params: ParsedParams<SetUserStatusParams>,
    @ReqMeta() meta: RequestMetadata,
    @Res() res: Response,
  ): Promise<void> {
    requireCaller(caller);
    if (!STATUS_FIELDS.some((field) => params.__present.has(field))) {
      res.status(200).json(null);
      return;
    }
    return this.set('patch', caller, params, meta, res);
  }

  private async set(mode: 'put' | 'patch', caller: Caller | undefined, params: ParsedParams<SetUserStatusParams>, meta: RequestMetadata, res: Response): Promise<void> {
    const { user } = requireCaller(caller);
    const fields: SetUserStatusInput['fields'] = {};
    for (const field of STATUS_FIELDS) if (params.__present.has(field)) fields[field] = params[field] ?? null;
    await this.commands.execute(new SetUserStatus({ user: { id: user.id, username: user.username }, mode, fields }, meta));
    const status = await this.statuses.current(user.id);
    // GitLab presents the user's status association, which is gone once cleared.
    res.status(200).json(status ? presentUserStatus(status) : null);
  }
}
