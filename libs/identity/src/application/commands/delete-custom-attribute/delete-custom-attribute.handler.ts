import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, retryOnConflict } from '@app/eventstore';
import { decideCustomAttribute } from '../../../domain/custom-attribute/custom-attribute.decider.js';
import { UserNotFoundError } from '../../../domain/user/user.errors.js';
import { CustomAttributesRepository } from '../../../infrastructure/custom-attributes.repository.js';
import { DeleteCustomAttribute } from './delete-custom-attribute.command.js';

@CommandHandler(DeleteCustomAttribute)
export class DeleteCustomAttributeHandler implements ICommandHandler<DeleteCustomAttribute> {
  constructor(
    private readonly store: EventStore,
    private readonly attributes: CustomAttributesRepository,
  ) {}

  async execute({ input, metadata }: DeleteCustomAttribute): Promise<void> {
    if (!(await this.attributes.userExists(input.userId))) throw new UserNotFoundError();
    await retryOnConflict(async () => {
      const { state, version } = await this.attributes.load(input.userId);
      const events = decideCustomAttribute({ kind: 'delete_custom_attribute', userId: input.userId, key: input.key }, state, new Date());
      await this.store.transaction((tx) => this.attributes.append(tx, input.userId, events, version, metadata));
    });
  }
}
