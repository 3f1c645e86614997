import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { UserRow } from '../../../infrastructure/user-row.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { ListUsers, type UserPage } from './list-users.query.js';

@QueryHandler(ListUsers)
export class ListUsersHandler implements IQueryHandler<ListUsers> {
  constructor(private readonly users: UsersReadRepository) {}

  async execute({ criteria, withCreators }: ListUsers): Promise<UserPage> {
    const page = await this.users.list(criteria);
    const creators = new Map<number, UserRow>();
    if (withCreators) {
      const ids = [...new Set(page.rows.map((row) => row.created_by_id).filter((id): id is number => id !== null))];
      for (const row of await this.users.findByIds(ids)) creators.set(row.id, row);
    }
    return { ...page, creators };
  }
}
