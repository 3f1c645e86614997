import { Controller, Delete, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
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
import { AddGpgKey } from '../application/commands/add-gpg-key/add-gpg-key.command.js';
import { RemoveGpgKey } from '../application/commands/remove-gpg-key/remove-gpg-key.command.js';
import { GpgKeyNotFoundError } from '../domain/gpg-key/gpg-key.errors.js';
import { CredentialOwners } from '../infrastructure/credential-owners.js';
import { GpgKeysRepository } from '../infrastructure/gpg/gpg-keys.repository.js';
import { presentGpgKey } from './presenters/gpg-key.presenter.js';
import { AddGpgKeyParams, GpgKeyIdParams } from './dto/gpg-key.params.js';

/**
 * GitLab's GPG key endpoints: the current user's (list, show, add, revoke, delete), another
 * user's (list and show, no token needed) and, for admins, add, revoke and delete for a user.
 * Revoking answers 202 with the body `202`, as GitLab's endpoint does.
 */
@UsersApiScopes()
@Controller('api/v4')
@Authenticate('non_get')
@NumericParams('id')
export class GpgKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly keys: GpgKeysRepository,
    private readonly owners: CredentialOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('user/gpg_keys')
  @Authenticate('required')
  listOwn(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    return this.list(requireCaller(caller).user.id, req, res);
  }

  @Get('user/gpg_keys/:key_id')
  @Authenticate('required')
  showOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(GpgKeyIdParams) params: ParsedParams<GpgKeyIdParams>): Promise<unknown> {
    return this.show(requireCaller(caller).user.id, params.key_id);
  }

  @Post('user/gpg_keys')
  addOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(AddGpgKeyParams) params: ParsedParams<AddGpgKeyParams>, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    return this.add(requireCaller(caller).user.id, params.key, meta);
  }

  @Post('user/gpg_keys/:key_id/revoke')
  @HttpCode(202)
  @Header('Content-Type', 'application/json')
  revokeOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(GpgKeyIdParams) params: ParsedParams<GpgKeyIdParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<number> {
    return this.remove(requireCaller(caller).user.id, params.key_id, 'revoke', req, meta);
  }

  @Delete('user/gpg_keys/:key_id')
  @HttpCode(204)
  async deleteOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(GpgKeyIdParams) params: ParsedParams<GpgKeyIdParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    await this.remove(requireCaller(caller).user.id, params.key_id, 'delete', req, meta);
  }

  @Get('users/:id/gpg_keys')
  @Authenticate('optional')
  async listOfUser(@Req() req: GitlabRequest, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    const owner = await this.owners.existing(Number(req.params.id));
    return this.list(owner.id, req, res);
  }

  @Get('users/:id/gpg_keys/:key_id')
  @Authenticate('optional')
  async showOfUser(@Req() req: GitlabRequest, @RequestParams(GpgKeyIdParams) params: ParsedParams<GpgKeyIdParams>): Promise<unknown> {
    const owner = await this.owners.existing(Number(req.params.id));
    return this.show(owner.id, params.key_id);
  }

  @Post('users/:id/gpg_keys')
  addForUser(@CurrentCaller() caller: Caller | undefined, @RequestParams(AddGpgKeyParams) params: ParsedParams<AddGpgKeyParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    requireAdmin(caller);
    return this.add(Number(req.params.id), params.key, meta);
  }

  @Post('users/:id/gpg_keys/:key_id/revoke')
  @HttpCode(202)
  @Header('Content-Type', 'application/json')
  revokeForUser(@CurrentCaller() caller: Caller | undefined, @RequestParams(GpgKeyIdParams) params: ParsedParams<GpgKeyIdParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<number> {
    requireAdmin(caller);
    return this.remove(Number(req.params.id), params.key_id, 'revoke', req, meta);
  }

  @Delete('users/:id/gpg_keys/:key_id')
  @HttpCode(204)
  async deleteForUser(@CurrentCaller() caller: Caller | undefined, @RequestParams(GpgKeyIdParams) params: ParsedParams<GpgKeyIdParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    requireAdmin(caller);
    await this.remove(Number(req.params.id), params.key_id, 'delete', req, meta);
  }

  private list(userId: number, req: GitlabRequest, res: Response): Promise<unknown[]> {
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.keys.page(userId, offset, limit), presentGpgKey);
  }

  private async show(userId: number, keyId: number): Promise<unknown> {
    const row = await this.keys.find(userId, keyId);
    if (!row) throw new GpgKeyNotFoundError();
    return presentGpgKey(row);
  }

  private async add(userId: number, key: string, meta: RequestMetadata): Promise<unknown> {
    const id = await this.commands.execute(new AddGpgKey({ userId, key }, meta));
    return this.show(userId, id);
  }

  /** Answers GitLab's revoke body, `202`. */
  private async remove(userId: number, keyId: number, how: 'revoke' | 'delete', req: GitlabRequest, meta: RequestMetadata): Promise<number> {
    await this.commands.execute(new RemoveGpgKey({ userId, keyId, how, unmodifiedSince: how === 'delete' ? unmodifiedSinceOf(req) : null }, meta));
    return 202;
  }
}
