import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@app/shared';
import { canReadProfile, userBasic } from '../../../api/presenters/user-entities.js';
import { UsersReadRepository } from '../../../infrastructure/users-read.repository.js';
import { GetUserBasics, type UserBasicView } from './get-user-basics.query.js';

@QueryHandler(GetUserBasics)
export class GetUserBasicsHandler implements IQueryHandler<GetUserBasics> {
  constructor(
    private readonly users: UsersReadRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ ids, viewer }: GetUserBasics): Promise<UserBasicView[]> {
    if (ids.length === 0) return [];
    const rows = new Map((await this.users.findBasics(ids)).map((row) => [row.id, row]));
    const ctx = { externalUrl: this.config.externalUrl, now: new Date() };
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [{ id, entity: userBasic(row, ctx), profileReadable: canReadProfile(row, viewer) }] : [];
    });
  }
}
