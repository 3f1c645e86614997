import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';
import type { UserPreferenceValues } from '../../../domain/preferences/preferences.js';

export interface UpdateUserPreferencesInput {
  userId: number;
  changes: Partial<UserPreferenceValues>;
}

export class UpdateUserPreferences extends Command<void> {
  constructor(
    readonly input: UpdateUserPreferencesInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
