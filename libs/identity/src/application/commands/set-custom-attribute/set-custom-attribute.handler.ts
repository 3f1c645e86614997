import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { CUSTOM_ATTRIBUTES_DECIDER } from '../../../domain/identity.deciders.js';
import { customAttributesStreamId } from '../../../domain/custom-attribute/custom-attribute.events.js';
import { UserNotFoundError } from '../../../domain/user/user.errors.js';
import { CustomAttributesRepository } from '../../../infrastructure/custom-attributes.repository.js';
import { SetCustomAttribute } from './set-custom-attribute.command.js';

@CommandHandler(SetCustomAttribute)
export class SetCustomAttributeHandler implements ICommandHandler<SetCustomAttribute> {
  constructor(
    private readonly commands: CommandPath,
    private readonly attributes: CustomAttributesRepository,
  ) {}

  async execute({ input, metadata }: SetCustomAttribute): Promise<{ key: string; value: string }> {
    // The attributes live on a stream of their own, which exists before the user's first attribute: ask identity's read model.
    if (!(await this.attributes.userExists(input.userId))) throw new UserNotFoundError();
    await this.commands.handle(
      customAttributesStreamId(input.userId),
      CUSTOM_ATTRIBUTES_DECIDER,
      { kind: 'set_custom_attribute', userId: input.userId, key: input.key, value: input.value },
      { metadata },
    );
    return { key: input.key, value: input.value };
  }
}
