import { Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AllowScopes, Authenticate, CurrentCaller, Param, ParamsInvalidError, ReqMeta, RequestParams, requireCaller, type Caller, type ParsedParams, type RequestMetadata } from '@app/shared';
import { CreateRunner } from '../application/commands/create-runner/create-runner.command.js';

const RUNNER_TYPES = ['instance_type', 'group_type', 'project_type'] as const;

class CreateRunnerParams {
  /** Required, but checked by hand: GitLab answers a missing one with both messages. */
  @Param('string', { values: RUNNER_TYPES }) runner_type?: (typeof RUNNER_TYPES)[number] | null;
  @Param('integer') group_id?: number | null;
  @Param('integer') project_id?: number | null;
  @Param('string') description?: string | null;
  @Param('boolean') paused?: boolean | null;
  @Param('boolean') locked?: boolean | null;
  @Param('string', { values: ['not_protected', 'ref_protected'] }) access_level?: 'not_protected' | 'ref_protected' | null;
  @Param('boolean') run_untagged?: boolean | null;
  @Param('string_array') tag_list?: string[] | null;
  @Param('integer') maximum_timeout?: number | null;
  @Param('string') maintenance_note?: string | null;
}

/** `POST /user/runners` (GitLab's `API::UserRunners`): `api` or `create_runner` scope. */
@Controller('api/v4/user/runners')
@Authenticate('required')
export class RunnersController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowScopes('api', 'create_runner')
  async create(@CurrentCaller() caller: Caller | undefined, @RequestParams(CreateRunnerParams) params: ParsedParams<CreateRunnerParams>, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    const { user } = requireCaller(caller);
    if (params.runner_type == null) throw new ParamsInvalidError(['runner_type is missing', 'runner_type does not have a valid value']);
    if (params.runner_type === 'group_type' && params.group_id == null) throw new ParamsInvalidError(['group_id is missing']);
    if (params.runner_type === 'project_type' && params.project_id == null) throw new ParamsInvalidError(['project_id is missing']);
    return this.commands.execute(
      new CreateRunner(
        {
          runner_type: params.runner_type,
          description: params.description ?? null,
          paused: params.paused ?? false,
          locked: params.locked ?? false,
          run_untagged: params.run_untagged ?? true,
          tag_list: (params.tag_list ?? []).map((tag) => tag.trim()).filter((tag) => tag !== ''),
          access_level: params.access_level ?? 'not_protected',
          maximum_timeout: params.maximum_timeout ?? null,
          maintenance_note: params.maintenance_note ?? null,
          creator_id: user.id,
          creator_username: user.username,
          creatorIsAdmin: user.isAdmin,
        },
        meta,
      ),
    );
  }
}
