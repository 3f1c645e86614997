import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { UserNotFoundError } from '@app/identity';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  NumericParams,
  offsetPageOf,
  ReqMeta,
  RequestParams,
  requireAdmin,
  requireCaller,
  unmodifiedSinceOf,
  UsersApiScopes,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
  type RequestMetadata,
} from '@app/shared';
import { AddSshKey } from '../application/commands/add-ssh-key/add-ssh-key.command.js';
import { DeleteSshKey } from '../application/commands/delete-ssh-key/delete-ssh-key.command.js';
import { SshKeyNotFoundError } from '../domain/ssh-key/ssh-key.errors.js';
import { CredentialOwners } from '../infrastructure/credential-owners.js';
import { SshKeysRepository } from '../infrastructure/ssh/ssh-keys.repository.js';
import { presentSshKey } from './presenters/ssh-key.presenter.js';
import { AddSshKeyParams, SshKeyIdParams } from './dto/ssh-key.params.js';

/**
 * GitLab's eight SSH key endpoints. The current user's keys need a signed-in caller; another
 * user's keys are public (GitLab needs no token for them); adding and deleting a given user's
 * keys is for admins, after Grape's parameter validation.
 */
@UsersApiScopes()
@Controller('api/v4')
@Authenticate('non_get')
@NumericParams('id')
export class SshKeysController {
  private readonly host: string;

  constructor(
    private readonly commands: CommandBus,
    private readonly keys: SshKeysRepository,
    private readonly owners: CredentialOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.host = new URL(config.externalUrl).host;
  }

  @Get('user/keys')
  @Authenticate('required')
  listOwn(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    return this.list(requireCaller(caller).user.id, req, res);
  }

  @Get('user/keys/:key_id')
  @Authenticate('required')
  showOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(SshKeyIdParams) params: ParsedParams<SshKeyIdParams>): Promise<unknown> {
    return this.show(requireCaller(caller).user.id, params.key_id);
  }

  @Post('user/keys')
  addOwn(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(AddSshKeyParams) params: ParsedParams<AddSshKeyParams>,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    return this.add(requireCaller(caller).user.id, params, meta);
  }

  @Delete('user/keys/:key_id')
  @HttpCode(204)
  async deleteOwn(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(SshKeyIdParams) params: ParsedParams<SshKeyIdParams>,
    @Req() req: GitlabRequest,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.remove(requireCaller(caller).user.id, params.key_id, req, meta);
  }

  /** `:id` is an id or, as GitLab allows on this one route, a username. */
  @Get('users/:id/keys')
  @Authenticate('optional')
  @NumericParams()
  async listOfUser(@Req() req: GitlabRequest, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    const owner = await this.owners.byIdOrUsername(String(req.params.id));
    if (!owner) throw new UserNotFoundError();
    return this.list(owner.id, req, res);
  }

  @Get('users/:id/keys/:key_id')
  @Authenticate('optional')
  async showOfUser(@Req() req: GitlabRequest, @RequestParams(SshKeyIdParams) params: ParsedParams<SshKeyIdParams>): Promise<unknown> {
    const owner = await this.owners.byId(Number(req.params.id));
    if (!owner) throw new UserNotFoundError();
    return this.show(owner.id, params.key_id);
  }

  @Post('users/:id/keys')
  addForUser(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(AddSshKeyParams) params: ParsedParams<AddSshKeyParams>,
    @Req() req: GitlabRequest,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    requireAdmin(caller);
    return this.add(Number(req.params.id), params, meta);
  }

  @Delete('users/:id/keys/:key_id')
  @HttpCode(204)
  async deleteForUser(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(SshKeyIdParams) params: ParsedParams<SshKeyIdParams>,
    @Req() req: GitlabRequest,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<void> {
    requireAdmin(caller);
    await this.remove(Number(req.params.id), params.key_id, req, meta);
  }

  private list(userId: number, req: GitlabRequest, res: Response): Promise<unknown[]> {
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.keys.page(userId, offset, limit), (row) => presentSshKey(row, this.host));
  }

  private async show(userId: number, keyId: number): Promise<unknown> {
    const row = await this.keys.find(userId, keyId);
    if (!row) throw new SshKeyNotFoundError();
    return presentSshKey(row, this.host);
  }

  private async add(userId: number, params: ParsedParams<AddSshKeyParams>, meta: RequestMetadata): Promise<unknown> {
    const row = await this.commands.execute(
      new AddSshKey(
        { userId, title: params.title, key: params.key, expiresAt: params.expires_at ?? null, usageType: params.usage_type ?? 'auth_and_signing' },
        meta,
      ),
    );
    return presentSshKey(row, this.host);
  }

  private async remove(userId: number, keyId: number, req: GitlabRequest, meta: RequestMetadata): Promise<void> {
    await this.commands.execute(new DeleteSshKey({ userId, keyId, unmodifiedSince: unmodifiedSinceOf(req) }, meta));
  }
}
