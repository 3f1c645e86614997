import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { checkUnmodifiedSince } from '@app/shared';
import { SSH_KEYS_DECIDER } from '../../../domain/ssh-key/ssh-key.decider.js';
import { SshKeyNotFoundError } from '../../../domain/ssh-key/ssh-key.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { SshKeysRepository } from '../../../infrastructure/ssh/ssh-keys.repository.js';
import { DeleteSshKey } from './delete-ssh-key.command.js';

@CommandHandler(DeleteSshKey)
export class DeleteSshKeyHandler implements ICommandHandler<DeleteSshKey> {
  constructor(
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly keys: SshKeysRepository,
  ) {}

  async execute({ input, metadata }: DeleteSshKey): Promise<void> {
    const owner = await this.owners.existing(input.userId);
    await this.commands.handle(
      credentialsStreamId(input.userId),
      SSH_KEYS_DECIDER,
      async (state) => {
        // A key is never changed after it is added, so its creation time is its last modification.
        if (input.unmodifiedSince && state.keys[String(input.keyId)]) {
          const key = await this.keys.find(input.userId, input.keyId);
          if (!key) throw new SshKeyNotFoundError();
          checkUnmodifiedSince(input.unmodifiedSince, key.created_at);
        }
        return { kind: 'delete_ssh_key' as const, userId: input.userId, username: owner.username, keyId: input.keyId };
      },
      { metadata },
    );
  }
}
