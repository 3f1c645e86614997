import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { APP_CONFIG, Database, uniqueViolationConstraint, type AppConfig } from '@app/shared';
import { SSH_KEYS_DECIDER } from '../../../domain/ssh-key/ssh-key.decider.js';
import { SshKeyTakenError } from '../../../domain/ssh-key/ssh-key.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { readSshPublicKey } from '../../../infrastructure/ssh/ssh-public-key.reader.js';
import { SshKeysRepository } from '../../../infrastructure/ssh/ssh-keys.repository.js';
import { AddSshKey } from './add-ssh-key.command.js';

/** Two users adding one key at once: the fingerprint's unique index refuses the second append. */
function mapTakenFingerprint(error: unknown): never {
  if (uniqueViolationConstraint(error) === 'ssh_keys_fingerprint_sha256_key') throw new SshKeyTakenError();
  throw error;
}

@CommandHandler(AddSshKey)
export class AddSshKeyHandler implements ICommandHandler<AddSshKey> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly keys: SshKeysRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, metadata }: AddSshKey): Promise<number> {
    const owner = await this.owners.existing(input.userId);
    const facts = readSshPublicKey(input.key);
    // Read first so that a duplicate is reported with the other validation errors, as GitLab reports it.
    const holder = facts.fingerprintSha256 === null ? null : await this.keys.ownerOfFingerprint(facts.fingerprintSha256);
    const [{ id }] = await this.db.query<{ id: string }>("SELECT nextval('credentials.ssh_keys_id_seq') AS id");
    await this.commands.handle(
      credentialsStreamId(input.userId),
      SSH_KEYS_DECIDER,
      {
        kind: 'add_ssh_key',
        id: Number(id),
        userId: input.userId,
        username: owner.username,
        title: input.title,
        facts,
        usageType: input.usageType,
        expiresAt: input.expiresAt?.toISOString() ?? null,
        restrictions: this.config.sshKeyRestrictions,
        takenByOtherUser: holder !== null && holder !== input.userId,
      },
      { metadata, onAppendError: mapTakenFingerprint },
    );
    return Number(id);
  }
}
