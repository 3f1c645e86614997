import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { CUSTOM_ATTRIBUTES_DECIDER } from '../../../domain/identity.deciders.js';
import { customAttributesStreamId } from '../../../domain/custom-attribute/custom-attribute.events.js';
import { UserNotFoundError } from '../../../domain/user/user.errors.js';
import { CustomAttributesRepository } from '../../../infrastructure/custom-attributes.repository.js';
import { DeleteCustomAttribute } from './delete-custom-attribute.command.js';

@CommandHandler(DeleteCustomAttribute)
export class DeleteCustomAttributeHandler implements ICommandHandler<DeleteCustomAttribute> {
  constructor(
    private readonly commands: CommandPath,
    private readonly attributes: CustomAttributesRepository,
  ) {}

  async execute({ input, metadata }: DeleteCustomAttribute): Promise<void> {
    if (!(await this.attributes.userExists(input.userId))) throw new UserNotFoundError();
    await this.commands.handle(
      customAttributesStreamId(input.userId),
      CUSTOM_ATTRIBUTES_DECIDER,
      { kind: 'delete_custom_attribute', userId: input.userId, key: input.key },
      { metadata },
    );
  }
}
