import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { checkUnmodifiedSince } from '@app/shared';
import { USER_DECIDER } from '../../../domain/identity.deciders.js';
import { IdentityNotFoundError, UserNotFoundError } from '../../../domain/user/user.errors.js';
import { userStreamId } from '../../../domain/user/user.events.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { DeleteIdentity } from './delete-identity.command.js';

@CommandHandler(DeleteIdentity)
export class DeleteIdentityHandler implements ICommandHandler<DeleteIdentity> {
  constructor(
    private readonly commands: CommandPath,
    private readonly users: UsersReadRepository,
  ) {}

  async execute({ input, metadata }: DeleteIdentity): Promise<void> {
    await this.commands.handle(
      userStreamId(input.userId),
      USER_DECIDER,
      async (state) => {
        // GitLab's order: 404 User, 404 Identity, then the If-Unmodified-Since precondition.
        if (state.status !== 'present') throw new UserNotFoundError();
        if (!state.identities.some((identity) => identity.provider === input.provider)) throw new IdentityNotFoundError();
        if (input.unmodifiedSince) {
          const row = await this.users.findById(input.userId);
          if (!row) throw new UserNotFoundError();
          checkUnmodifiedSince(input.unmodifiedSince, row.updated_at);
        }
        return { kind: 'remove_identity' as const, provider: input.provider };
      },
      { metadata },
    );
  }
}
