import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { ListUsers, type UserPage } from './list-users.query.js';

@QueryHandler(ListUsers)
export class ListUsersHandler implements IQueryHandler<ListUsers> {
  constructor(private readonly users: UsersReadRepository) {}

  execute({ criteria }: ListUsers): Promise<UserPage> {
    return this.users.list(criteria);
  }
}
