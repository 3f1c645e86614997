import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { checkUnmodifiedSince } from '@app/shared';
import { GPG_KEYS_DECIDER } from '../../../domain/gpg-key/gpg-key.decider.js';
import { GpgKeyNotFoundError } from '../../../domain/gpg-key/gpg-key.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { GpgKeysRepository } from '../../../infrastructure/gpg/gpg-keys.repository.js';
import { RemoveGpgKey } from './remove-gpg-key.command.js';

@CommandHandler(RemoveGpgKey)
export class RemoveGpgKeyHandler implements ICommandHandler<RemoveGpgKey> {
  constructor(
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly keys: GpgKeysRepository,
  ) {}

  async execute({ input, metadata }: RemoveGpgKey): Promise<void> {
    const owner = await this.owners.existing(input.userId);
    await this.commands.handle(
      credentialsStreamId(input.userId),
      GPG_KEYS_DECIDER,
      async (state) => {
        // A key is never changed after it is added, so its creation time is its last modification.
        if (input.unmodifiedSince && state.keys[String(input.keyId)]) {
          const key = await this.keys.find(input.userId, input.keyId);
          if (!key) throw new GpgKeyNotFoundError();
          checkUnmodifiedSince(input.unmodifiedSince, key.created_at);
        }
        return { kind: input.how === 'revoke' ? ('revoke_gpg_key' as const) : ('delete_gpg_key' as const), userId: owner.id, username: owner.username, keyId: input.keyId };
      },
      { metadata },
    );
  }
}
