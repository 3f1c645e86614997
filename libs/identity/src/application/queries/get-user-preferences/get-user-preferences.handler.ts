import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UserPreferencesRepository, type UserPreferencesRow } from '../../../infrastructure/user-preferences.repository.js';
import { GetUserPreferences } from './get-user-preferences.query.js';

@QueryHandler(GetUserPreferences)
export class GetUserPreferencesHandler implements IQueryHandler<GetUserPreferences> {
  constructor(private readonly preferences: UserPreferencesRepository) {}

  execute({ userId }: GetUserPreferences): Promise<UserPreferencesRow | null> {
    return this.preferences.find(userId);
  }
}
