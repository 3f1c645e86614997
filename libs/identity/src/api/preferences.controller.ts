import { Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  Authenticate,
  CurrentCaller,
  ReqMeta,
  RequestParams,
  requireCaller,
  type Caller,
  type ParsedParams,
  type RequestMetadata,
  UsersApiScopes,
} from '@app/shared';
import { UpdateUserPreferences } from '../application/commands/update-user-preferences/update-user-preferences.command.js';
import { GetUserPreferences } from '../application/queries/get-user-preferences/get-user-preferences.query.js';
import { PREFERENCE_KEYS, type UserPreferenceValues } from '../domain/preferences/preferences.js';
import { UserNotFoundError } from '../domain/user/user.errors.js';
import type { UserPreferencesRow } from '../infrastructure/user-preferences.repository.js';
import { UserPreferencesParams } from './dto/user-preferences.params.js';

/** Entity `UserPreferences`, in GitLab's field order. */
function userPreferences(row: UserPreferencesRow): Record<string, unknown> {
  return {
    id: row.id,
    user_id: row.user_id,
    view_diffs_file_by_file: row.view_diffs_file_by_file,
    show_whitespace_in_diffs: row.show_whitespace_in_diffs,
    pass_user_identities_to_ci_jwt: row.pass_user_identities_to_ci_jwt,
  };
}

/** `GET`/`PUT /user/preferences`: the current user's (the sudo target's, under sudo). */
@UsersApiScopes()
@Controller('api/v4')
@Authenticate('required')
export class PreferencesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('user/preferences')
  async show(@CurrentCaller() caller: Caller | undefined): Promise<unknown> {
    const me = requireCaller(caller);
    const row = await this.queries.execute(new GetUserPreferences(me.user.id));
    if (!row) throw new UserNotFoundError();
    return userPreferences(row);
  }

  @Put('user/preferences')
  async update(
    @RequestParams(UserPreferencesParams) params: ParsedParams<UserPreferencesParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const me = requireCaller(caller);
    const changes: Partial<UserPreferenceValues> = {};
    // A blank value (Grape coerces it to nil) changes nothing.
    for (const key of PREFERENCE_KEYS) {
      const value = params[key];
      if (typeof value === 'boolean') changes[key] = value;
    }
    await this.commands.execute(new UpdateUserPreferences({ userId: me.user.id, changes }, meta));
    return this.show(caller);
  }
}
