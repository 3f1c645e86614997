import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { SshKeyUsageType } from '../../../domain/ssh-key/ssh-key.events.js';
import type { SshKeyRow } from '../../../infrastructure/ssh/ssh-keys.repository.js';

export interface AddSshKeyInput {
  userId: number;
  title: string;
  /** The key as submitted; the handler normalises it. */
  key: string;
  expiresAt: Date | null;
  usageType: SshKeyUsageType;
}

/** Adds a key to a user; answers the key as stored. */
export class AddSshKey extends Command<SshKeyRow> {
  constructor(
    readonly input: AddSshKeyInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
