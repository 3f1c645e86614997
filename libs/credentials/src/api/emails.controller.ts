import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
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
import { AddEmail } from '../application/commands/add-email/add-email.command.js';
import { ConfirmEmail } from '../application/commands/confirm-email/confirm-email.command.js';
import { DeleteEmail } from '../application/commands/delete-email/delete-email.command.js';
import { EmailNotFoundError } from '../domain/email/email.errors.js';
import { CredentialOwners } from '../infrastructure/credential-owners.js';
import { UserEmailsRepository } from '../infrastructure/email/user-emails.repository.js';
import { presentEmail } from './presenters/email.presenter.js';
import { AddEmailParams, AddOwnEmailParams, ConfirmEmailParams, EmailIdParams } from './dto/email.params.js';

/**
 * GitLab's secondary e-mail endpoints (the primary address is not listed), for the current user
 * and, for admins, for any user; plus the confirmation of a mailed token, which GitLab does in its
 * web UI and this service offers as an API extension.
 */
@UsersApiScopes()
@Controller('api/v4')
@Authenticate('non_get')
@NumericParams('id')
export class EmailsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly emails: UserEmailsRepository,
    private readonly owners: CredentialOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('user/emails')
  @Authenticate('required')
  listOwn(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    return this.list(requireCaller(caller).user.id, req, res);
  }

  /** Declared before `:email_id` so that the word is not read as an id. */
  @Post('user/emails/confirmation')
  @Authenticate('optional')
  @HttpCode(200)
  async confirm(@RequestParams(ConfirmEmailParams) params: ParsedParams<ConfirmEmailParams>, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    const { userId, emailId } = await this.commands.execute(new ConfirmEmail(params.confirmation_token, meta));
    return this.show(userId, emailId);
  }

  @Get('user/emails/:email_id')
  @Authenticate('required')
  showOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(EmailIdParams) params: ParsedParams<EmailIdParams>): Promise<unknown> {
    return this.show(requireCaller(caller).user.id, params.email_id);
  }

  @Post('user/emails')
  addOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(AddOwnEmailParams) params: ParsedParams<AddOwnEmailParams>, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    return this.add(requireCaller(caller).user.id, params.email, false, meta);
  }

  @Delete('user/emails/:email_id')
  @HttpCode(204)
  async deleteOwn(@CurrentCaller() caller: Caller | undefined, @RequestParams(EmailIdParams) params: ParsedParams<EmailIdParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    await this.remove(requireCaller(caller).user.id, params.email_id, req, meta);
  }

  @Get('users/:id/emails')
  @Authenticate('required')
  async listOfUser(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    requireAdmin(caller);
    const owner = await this.owners.existing(Number(req.params.id));
    return this.list(owner.id, req, res);
  }

  @Post('users/:id/emails')
  addForUser(@CurrentCaller() caller: Caller | undefined, @RequestParams(AddEmailParams) params: ParsedParams<AddEmailParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    requireAdmin(caller);
    return this.add(Number(req.params.id), params.email, params.skip_confirmation === true, meta);
  }

  @Delete('users/:id/emails/:email_id')
  @HttpCode(204)
  async deleteForUser(@CurrentCaller() caller: Caller | undefined, @RequestParams(EmailIdParams) params: ParsedParams<EmailIdParams>, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    requireAdmin(caller);
    await this.remove(Number(req.params.id), params.email_id, req, meta);
  }

  private list(userId: number, req: GitlabRequest, res: Response): Promise<unknown[]> {
    return offsetPageOf(req, res, this.config.externalUrl, (offset, limit) => this.emails.page(userId, offset, limit), presentEmail);
  }

  private async show(userId: number, emailId: number): Promise<unknown> {
    const row = await this.emails.find(userId, emailId);
    if (!row) throw new EmailNotFoundError();
    return presentEmail(row);
  }

  private async add(userId: number, email: string, skipConfirmation: boolean, meta: RequestMetadata): Promise<unknown> {
    const id = await this.commands.execute(new AddEmail({ userId, email, skipConfirmation }, meta));
    return this.show(userId, id);
  }

  private async remove(userId: number, emailId: number, req: GitlabRequest, meta: RequestMetadata): Promise<void> {
    await this.commands.execute(new DeleteEmail({ userId, emailId, unmodifiedSince: unmodifiedSinceOf(req) }, meta));
  }
}
