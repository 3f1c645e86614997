import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CreateUser } from '@app/identity';
import { RouteNotFoundError } from '@app/kernel';
import { APP_CONFIG, type AppConfig } from '@app/shared';
import { ModerateUser } from '../moderate-user/moderate-user.command.js';
import { SignUp, type SignedUpUser } from './sign-up.command.js';

/**
 * Self-service sign-up, GitLab's web form as an API: identity creates the user (its own
 * validation, uniqueness and password rules), and when admins approve sign-ups moderation moves
 * them to `blocked_pending_approval` before the answer is sent. The two are separate commands on
 * separate streams: between them the new user is active for a moment, holding no token yet.
 */
@CommandHandler(SignUp)
export class SignUpHandler implements ICommandHandler<SignUp> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, metadata }: SignUp): Promise<SignedUpUser> {
    if (!this.config.signupEnabled) throw new RouteNotFoundError();
    const id = await this.commands.execute(
      new CreateUser(
        {
          profile: { username: input.username, email: input.email, name: input.name },
          password: input.password,
          passwordMode: 'given',
          skipConfirmation: true,
          identity: null,
          createdById: null,
        },
        metadata,
      ),
    );
    let state = 'active';
    if (this.config.requireAdminApprovalAfterUserSignup) {
      await this.commands.execute(new ModerateUser({ action: 'request_approval', userId: id, caller: null }, metadata));
      state = 'blocked_pending_approval';
    }
    return { id, username: input.username, name: input.name, email: input.email, state };
  }
}
