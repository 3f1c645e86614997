import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, retryOnConflict } from '@app/eventstore';
import { decideCustomAttribute } from '../../../domain/custom-attribute/custom-attribute.decider.js';
import { UserNotFoundError } from '../../../domain/user/user.errors.js';
import { CustomAttributesRepository, type CustomAttribute } from '../../../infrastructure/custom-attributes.repository.js';
import { SetCustomAttribute } from './set-custom-attribute.command.js';

@CommandHandler(SetCustomAttribute)
export class SetCustomAttributeHandler implements ICommandHandler<SetCustomAttribute> {
  constructor(
    private readonly store: EventStore,
    private readonly attributes: CustomAttributesRepository,
  ) {}

  async execute({ input, metadata }: SetCustomAttribute): Promise<CustomAttribute> {
    if (!(await this.attributes.userExists(input.userId))) throw new UserNotFoundError();
    await retryOnConflict(async () => {
      const { state, version } = await this.attributes.load(input.userId);
      const events = decideCustomAttribute({ kind: 'set_custom_attribute', userId: input.userId, key: input.key, value: input.value }, state, new Date());
      if (events.length === 0) return;
      await this.store.transaction((tx) => this.attributes.append(tx, input.userId, events, version, metadata));
    });
    return { key: input.key, value: input.value };
  }
}
