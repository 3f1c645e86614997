import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { UserLookup } from '@app/identity';
import { SOCIAL_USER_DECIDER } from '../../../domain/social-user.decider.js';
import { socialStreamId } from '../../../domain/follow/follow.events.js';
import { ClearExpiredStatus } from './clear-expired-status.command.js';

@CommandHandler(ClearExpiredStatus)
export class ClearExpiredStatusHandler implements ICommandHandler<ClearExpiredStatus> {
  constructor(
    private readonly commands: CommandPath,
    private readonly users: UserLookup,
  ) {}

  async execute({ input, metadata }: ClearExpiredStatus): Promise<boolean> {
    const user = await this.users.identityOf(input.userId);
    // A deleted user's status went with them.
    if (!user) return false;
    const { events } = await this.commands.handle(
      socialStreamId(user.id),
      SOCIAL_USER_DECIDER,
      { kind: 'clear_expired_status', user: { id: user.id, username: user.username }, clearStatusAt: input.clearStatusAt },
      { metadata },
    );
    return events.length > 0;
  }
}
