import { Controller, HttpCode, Patch, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticate, CurrentCaller, NumericParams, Param, ReqMeta, RequestParams, requireAdmin, requireCaller, UsersApiScopes, type Caller, type GitlabRequest, type ParsedParams, type RequestMetadata } from '@app/shared';
import { ConfirmTwoFactorEnrolment, DisableTwoFactor, StartTwoFactorEnrolment } from '../application/commands/two-factor/two-factor.commands.js';

class ConfirmTwoFactorParams {
  @Param('string', { required: true }) otp_code!: string;
}

/**
 * Two-factor authentication. GitLab enrols in its web UI; this service offers enrolment as two
 * API extensions for the current user (a secret, then a first code, which answers the recovery
 * codes), and GitLab's own admin call to turn it off.
 */
@UsersApiScopes()
@Controller('api/v4')
@Authenticate('required')
export class TwoFactorController {
  constructor(private readonly commands: CommandBus) {}

  @Post('user/two_factor/totp')
  async start(@CurrentCaller() caller: Caller | undefined, @ReqMeta() meta: RequestMetadata): Promise<unknown> {
    return this.commands.execute(new StartTwoFactorEnrolment(requireCaller(caller).user.id, meta));
  }

  @Post('user/two_factor/totp/confirm')
  @HttpCode(200)
  async confirm(
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ConfirmTwoFactorParams) params: ParsedParams<ConfirmTwoFactorParams>,
    @ReqMeta() meta: RequestMetadata,
  ): Promise<unknown> {
    const codes = await this.commands.execute(new ConfirmTwoFactorEnrolment(requireCaller(caller).user.id, params.otp_code, meta));
    return { two_factor_enabled: true, recovery_codes: codes };
  }

  /** GitLab's order: 401, 403 for non-admins, 404, 403 for an admin target, 400 when it is off; 204. */
  @Patch('users/:id/disable_two_factor')
  @NumericParams('id')
  @HttpCode(204)
  async disable(@CurrentCaller() caller: Caller | undefined, @Req() req: GitlabRequest, @ReqMeta() meta: RequestMetadata): Promise<void> {
    requireAdmin(caller);
    await this.commands.execute(new DisableTwoFactor(Number(req.params.id), meta));
  }
}
