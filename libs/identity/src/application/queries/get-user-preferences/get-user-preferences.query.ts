import { Query } from '@nestjs/cqrs';
import type { UserPreferencesRow } from '../../../infrastructure/user-preferences.repository.js';

export class GetUserPreferences extends Query<UserPreferencesRow | null> {
  constructor(readonly userId: number) {
    super();
  }
}
