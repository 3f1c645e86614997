import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { UserPreferenceValues } from '../../../domain/preferences/preferences.js';
import type { UserPreferencesRow } from '../../../infrastructure/user-preferences.repository.js';

export interface UpdateUserPreferencesInput {
  userId: number;
  changes: Partial<UserPreferenceValues>;
}

export class UpdateUserPreferences extends Command<UserPreferencesRow> {
  constructor(
    readonly input: UpdateUserPreferencesInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
