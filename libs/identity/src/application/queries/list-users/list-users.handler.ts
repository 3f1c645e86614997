import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CustomAttributesRepository } from '../../../infrastructure/custom-attributes.repository.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { ListUsers, type UserPage } from './list-users.query.js';

@QueryHandler(ListUsers)
export class ListUsersHandler implements IQueryHandler<ListUsers> {
  constructor(
    private readonly users: UsersReadRepository,
    private readonly customAttributes: CustomAttributesRepository,
  ) {}

  async execute({ criteria, withCustomAttributes }: ListUsers): Promise<UserPage> {
    const page = await this.users.list(criteria);
    if (withCustomAttributes) {
      const byUser = await this.customAttributes.listForUsers(page.rows.map((row) => row.id));
      for (const row of page.rows) row.custom_attributes = byUser.get(row.id) ?? [];
    }
    return page;
  }
}
