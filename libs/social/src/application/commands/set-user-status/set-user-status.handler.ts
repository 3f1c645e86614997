import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@app/shared';
import { CommandPath } from '@app/eventstore';
import { SOCIAL_USER_DECIDER } from '../../../domain/social-user.decider.js';
import { socialStreamId } from '../../../domain/follow/follow.events.js';
import { isKnownEmoji } from '../../../infrastructure/emoji-catalog.js';
import { SetUserStatus } from './set-user-status.command.js';

@CommandHandler(SetUserStatus)
export class SetUserStatusHandler implements ICommandHandler<SetUserStatus> {
  constructor(
    private readonly commands: CommandPath,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, metadata }: SetUserStatus): Promise<void> {
    await this.commands.handle(
      socialStreamId(input.user.id),
      SOCIAL_USER_DECIDER,
      { kind: 'set_status', user: input.user, mode: input.mode, fields: input.fields, isKnownEmoji, timeScale: this.config.statusExpiryTimeScale },
      { metadata },
    );
  }
}
