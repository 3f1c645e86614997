import { Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticate, RateLimit, ReqMeta, RequestParams, type ParsedParams, type RequestMetadata } from '@app/shared';
import { SignUp, type SignedUpUser } from '../application/commands/sign-up/sign-up.command.js';
import { SignUpParams } from './dto/sign-up.params.js';

/**
 * `POST /users/sign_up` (an extension: GitLab signs users up through a web form). Off unless
 * `SIGNUP_ENABLED=true` (404 otherwise); counted per client IP address in Redis (`SIGNUP_LIMIT`
 * per `SIGNUP_INTERVAL_SECONDS`), so the limit holds across API processes.
 */
@Controller('api/v4/users')
@Authenticate('none')
export class SignUpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('sign_up')
  @RateLimit('sign_up')
  signUp(@RequestParams(SignUpParams) params: ParsedParams<SignUpParams>, @ReqMeta() meta: RequestMetadata): Promise<SignedUpUser> {
    return this.commands.execute(new SignUp({ username: params.username, email: params.email, name: params.name, password: params.password }, meta));
  }
}
