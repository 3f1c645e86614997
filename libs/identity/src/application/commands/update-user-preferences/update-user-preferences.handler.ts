import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, retryOnConflict } from '@app/eventstore';
import { decidePreferences } from '../../../domain/preferences/preferences.js';
import { UserNotFoundError } from '../../../domain/user/user.errors.js';
import { UserPreferencesRepository, type UserPreferencesRow } from '../../../infrastructure/user-preferences.repository.js';
import { UserStreamRepository } from '../../../infrastructure/user-stream.repository.js';
import { UpdateUserPreferences } from './update-user-preferences.command.js';

/** Appends the preference changes to the user's own stream, at the version it was read. */
@CommandHandler(UpdateUserPreferences)
export class UpdateUserPreferencesHandler implements ICommandHandler<UpdateUserPreferences> {
  constructor(
    private readonly store: EventStore,
    private readonly streams: UserStreamRepository,
    private readonly preferences: UserPreferencesRepository,
  ) {}

  async execute({ input, metadata }: UpdateUserPreferences): Promise<UserPreferencesRow> {
    await retryOnConflict(async () => {
      const { state, version } = await this.streams.load(input.userId);
      const events = decidePreferences({ kind: 'update_preferences', changes: input.changes }, state, new Date());
      if (events.length === 0) return;
      await this.store.transaction((tx) => this.streams.append(tx, input.userId, events, version, metadata));
    });
    const row = await this.preferences.find(input.userId);
    if (!row) throw new UserNotFoundError();
    return row;
  }
}
