import { Controller, Delete, Get, HttpCode, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  Authenticate,
  CurrentCaller,
  isRecordId,
  NumericParams,
  ReqMeta,
  RequestParams,
  requireAdmin,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
  UsersApiScopes,
} from '@app/shared';
import { DeleteCustomAttribute } from '../application/commands/delete-custom-attribute/delete-custom-attribute.command.js';
import { SetCustomAttribute } from '../application/commands/set-custom-attribute/set-custom-attribute.command.js';
import { ListCustomAttributes } from '../application/queries/list-custom-attributes/list-custom-attributes.query.js';
import { CustomAttributeNotFoundError } from '../domain/custom-attribute/custom-attribute.errors.js';
import { UserNotFoundError } from '../domain/user/user.errors.js';
import type { CustomAttribute } from '../infrastructure/custom-attributes.repository.js';
import { CustomAttributeKeyParams, SetCustomAttributeParams } from './dto/custom-attribute.params.js';

/** A path id that is all digits but too large for any user is simply a missing user. */
function userIdOf(req: GitlabRequest): number {
  const id = Number(req.params.id);
  if (!isRecordId(id)) throw new UserNotFoundError();
  return id;
}

const present = ({ key, value }: CustomAttribute) => ({ key, value });

/**
 * GitLab's custom attributes endpoints for users (admin only): 401 for anonymous callers,
 * then Grape's parameter validation (400), then the admin check (403), then the user (404).
 */
@UsersApiScopes()
@Controller('api/v4')
@NumericParams('id')
@Authenticate('required')
export class CustomAttributesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('users/:id/custom_attributes')
  async list(@Req() req: GitlabRequest, @CurrentCaller() caller: Caller | undefined): Promise<unknown[]> {
    requireAdmin(caller);
    const attributes = await this.queries.execute(new ListCustomAttributes(userIdOf(req)));
    if (!attributes) throw new UserNotFoundError();
    return attributes.map(present);
  }

  @Get('users/:id/custom_attributes/:key')
  async show(
    @Req() req: GitlabRequest,
    @RequestParams(CustomAttributeKeyParams) params: ParsedParams<CustomAttributeKeyParams>,
    @CurrentCaller() caller: Caller | undefined,
  ): Promise<unknown> {
    requireAdmin(caller);
    const attributes = await this.queries.execute(new ListCustomAttributes(userIdOf(req)));
    if (!attributes) throw new UserNotFoundError();
    const found = attributes.find((attribute) => attribute.key === params.key);
    if (!found) throw new CustomAttributeNotFoundError();
    return present(found);
  }

  @Put('users/:id/custom_attributes/:key')
  async set(
    @Req() req: GitlabRequest,
    @RequestParams(SetCustomAttributeParams) params: ParsedParams<SetCustomAttributeParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    requireAdmin(caller);
    const stored = await this.commands.execute(
      new SetCustomAttribute({ userId: userIdOf(req), key: params.key!, value: params.value! }, meta),
    );
    return present(stored);
  }

  @Delete('users/:id/custom_attributes/:key')
  @HttpCode(204)
  async remove(
    @Req() req: GitlabRequest,
    @RequestParams(CustomAttributeKeyParams) params: ParsedParams<CustomAttributeKeyParams>,
    @CurrentCaller() caller: Caller | undefined,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<void> {
    requireAdmin(caller);
    await this.commands.execute(new DeleteCustomAttribute({ userId: userIdOf(req), key: params.key! }, meta));
  }
}
