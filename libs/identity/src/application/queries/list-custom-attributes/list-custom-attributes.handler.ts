import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CustomAttributesRepository, type CustomAttribute } from '../../../infrastructure/custom-attributes.repository.js';
import { ListCustomAttributes } from './list-custom-attributes.query.js';

@QueryHandler(ListCustomAttributes)
export class ListCustomAttributesHandler implements IQueryHandler<ListCustomAttributes> {
  constructor(private readonly attributes: CustomAttributesRepository) {}

  async execute({ userId, userKnown }: ListCustomAttributes): Promise<CustomAttribute[] | null> {
    if (!userKnown && !(await this.attributes.userExists(userId))) return null;
    return this.attributes.list(userId);
  }
}
