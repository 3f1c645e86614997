import { Controller, Get, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticate, CurrentCaller, ReqMeta, RequestParams, requireCaller, UsersApiScopes, type Caller, type ParsedParams, type RequestMetadata } from '@app/shared';
import { SetFollowingPreference } from '../application/commands/set-following-preference/set-following-preference.command.js';
import { FollowGraphRepository } from '../infrastructure/follow-graph.repository.js';
import { FollowingPreferenceParams } from './dto/user-status.params.js';

/**
 * `enabled_following` for the current user (an extension: GitLab sets it on its profile page).
 * Turning it off removes every follow to and from the user, as GitLab does.
 */
@UsersApiScopes()
@Controller('api/v4/user/following_preference')
@Authenticate('required')
export class FollowingPreferenceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly graph: FollowGraphRepository,
  ) {}

  @Get()
  async show(@CurrentCaller() caller: Caller | undefined): Promise<{ enabled_following: boolean }> {
    return { enabled_following: await this.graph.followingEnabled(requireCaller(caller).user.id) };
  }

  @Put()
  update(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(FollowingPreferenceParams) params: ParsedParams<FollowingPreferenceParams>,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<{ enabled_following: boolean }> {
    const { user } = requireCaller(caller);
    return this.commands.execute(new SetFollowingPreference({ user: { id: user.id, username: user.username }, enabled: params.enabled_following }, meta));
  }
}
