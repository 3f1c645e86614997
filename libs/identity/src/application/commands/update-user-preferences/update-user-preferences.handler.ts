import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { PREFERENCES_DECIDER } from '../../../domain/identity.deciders.js';
import { userStreamId } from '../../../domain/user/user.events.js';
import { UpdateUserPreferences } from './update-user-preferences.command.js';

/** The preference changes go to the user's own stream, decided against their current profile. */
@CommandHandler(UpdateUserPreferences)
export class UpdateUserPreferencesHandler implements ICommandHandler<UpdateUserPreferences> {
  constructor(private readonly commands: CommandPath) {}

  async execute({ input, metadata }: UpdateUserPreferences): Promise<void> {
    await this.commands.handle(
      userStreamId(input.userId),
      PREFERENCES_DECIDER,
      { kind: 'update_preferences', changes: input.changes },
      { metadata },
    );
  }
}
