import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { GetUser, type UserWithCreator } from './get-user.query.js';

@QueryHandler(GetUser)
export class GetUserHandler implements IQueryHandler<GetUser> {
  constructor(private readonly users: UsersReadRepository) {}

  async execute({ userId, withCreator }: GetUser): Promise<UserWithCreator | null> {
    const user = await this.users.findById(userId);
    if (!user) return null;
    const createdBy = withCreator && user.created_by_id !== null ? await this.users.findById(user.created_by_id) : null;
    return { user, createdBy };
  }
}
