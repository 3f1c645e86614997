import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { UserRow } from '../../../infrastructure/user-row.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { GetUser } from './get-user.query.js';

@QueryHandler(GetUser)
export class GetUserHandler implements IQueryHandler<GetUser> {
  constructor(private readonly users: UsersReadRepository) {}

  execute({ userId, viewerId }: GetUser): Promise<(UserRow & { is_followed?: boolean }) | null> {
    return viewerId === null ? this.users.findById(userId) : this.users.findByIdSeenBy(userId, viewerId);
  }
}
