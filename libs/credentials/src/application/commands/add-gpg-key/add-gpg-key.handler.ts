import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { Database, uniqueViolationConstraint } from '@app/shared';
import { GPG_KEYS_DECIDER } from '../../../domain/gpg-key/gpg-key.decider.js';
import { GpgKeyFingerprintTakenError, GpgKeyTextTakenError } from '../../../domain/gpg-key/gpg-key.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { readGpgPublicKey } from '../../../infrastructure/gpg/gpg-public-key.reader.js';
import { GpgKeysRepository } from '../../../infrastructure/gpg/gpg-keys.repository.js';
import { AddGpgKey } from './add-gpg-key.command.js';

/** Two users adding one key at once: a unique index refuses the second append. */
function mapTakenKey(error: unknown): never {
  const constraint = uniqueViolationConstraint(error);
  if (constraint === 'gpg_keys_key_sha256_key') throw new GpgKeyTextTakenError();
  if (constraint === 'gpg_keys_fingerprint_key' || constraint === 'gpg_keys_primary_keyid_key') throw new GpgKeyFingerprintTakenError();
  throw error;
}

@CommandHandler(AddGpgKey)
export class AddGpgKeyHandler implements ICommandHandler<AddGpgKey> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly keys: GpgKeysRepository,
  ) {}

  async execute({ input, metadata }: AddGpgKey): Promise<number> {
    const owner = await this.owners.existing(input.userId);
    const facts = await readGpgPublicKey(input.key);
    const elsewhere = await this.keys.heldElsewhere(input.userId, facts.textSha256, facts.fingerprint, facts.primaryKeyId);
    const [{ id }] = await this.db.query<{ id: string }>("SELECT nextval('credentials.gpg_keys_id_seq') AS id");
    await this.commands.handle(
      credentialsStreamId(input.userId),
      GPG_KEYS_DECIDER,
      {
        kind: 'add_gpg_key',
        id: Number(id),
        userId: owner.id,
        username: owner.username,
        facts,
        textTakenElsewhere: elsewhere.text,
        fingerprintTakenElsewhere: elsewhere.fingerprint,
      },
      { metadata, onAppendError: mapTakenKey },
    );
    return Number(id);
  }
}
