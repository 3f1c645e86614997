import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { UserNotFoundError } from '@app/identity';
import { APP_CONFIG, isRecordId, uniqueViolationConstraint, type AppConfig } from '@app/shared';
import { SSH_KEYS_DECIDER } from '../../../domain/ssh-key/ssh-key.decider.js';
import { SshKeyTakenError } from '../../../domain/ssh-key/ssh-key.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { readSshPublicKey } from '../../../infrastructure/ssh/ssh-public-key.reader.js';
import { SshKeysRepository, type SshKeyRow } from '../../../infrastructure/ssh/ssh-keys.repository.js';
import { AddSshKey } from './add-ssh-key.command.js';

/** Two users adding one key at once: the fingerprint's unique index refuses the second append. */
function mapTakenFingerprint(error: unknown): never {
  if (uniqueViolationConstraint(error) === 'ssh_keys_fingerprint_sha256_key') throw new SshKeyTakenError();
  throw error;
}

@CommandHandler(AddSshKey)
export class AddSshKeyHandler implements ICommandHandler<AddSshKey> {
  constructor(
    private readonly commands: CommandPath,
    private readonly keys: SshKeysRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, metadata }: AddSshKey): Promise<SshKeyRow> {
    if (!isRecordId(input.userId)) throw new UserNotFoundError();
    const facts = readSshPublicKey(input.key);
    // Read first (one round trip) so that a duplicate is reported with the other validation errors, as GitLab reports it.
    const before = await this.keys.beforeAdd(input.userId, facts.fingerprintSha256);
    if (!before) throw new UserNotFoundError();
    const { readBack } = await this.commands.handle(
      credentialsStreamId(input.userId),
      SSH_KEYS_DECIDER,
      {
        kind: 'add_ssh_key',
        id: before.id,
        userId: input.userId,
        username: before.username,
        title: input.title,
        facts,
        usageType: input.usageType,
        expiresAt: input.expiresAt?.toISOString() ?? null,
        restrictions: this.config.sshKeyRestrictions,
        takenByOtherUser: before.holder !== null && before.holder !== input.userId,
      },
      { metadata, onAppendError: mapTakenFingerprint, readAfter: this.keys.findStatement(before.id) },
    );
    // No read-back when a lost batch turned out to have committed: read the key on its own.
    const row = (readBack?.[0] as SshKeyRow | undefined) ?? (await this.keys.find(input.userId, before.id));
    if (!row) throw new Error(`SSH key ${before.id} was added but cannot be read back`);
    return row;
  }
}
