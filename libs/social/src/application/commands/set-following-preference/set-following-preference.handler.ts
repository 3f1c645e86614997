import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { SOCIAL_USER_DECIDER } from '../../../domain/social-user.decider.js';
import { socialStreamId } from '../../../domain/follow/follow.events.js';
import { SetFollowingPreference } from './set-following-preference.command.js';

@CommandHandler(SetFollowingPreference)
export class SetFollowingPreferenceHandler implements ICommandHandler<SetFollowingPreference> {
  constructor(private readonly commands: CommandPath) {}

  async execute({ input, metadata }: SetFollowingPreference): Promise<{ enabled_following: boolean }> {
    const { state } = await this.commands.handle(
      socialStreamId(input.user.id),
      SOCIAL_USER_DECIDER,
      { kind: 'set_following_preference', user: input.user, enabled: input.enabled },
      { metadata },
    );
    return { enabled_following: state.enabledFollowing };
  }
}
