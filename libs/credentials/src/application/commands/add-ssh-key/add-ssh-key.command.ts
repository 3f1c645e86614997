import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { SshKeyUsageType } from '../../../domain/ssh-key/ssh-key.events.js';

export interface AddSshKeyInput {
  userId: number;
  title: string;
  /** The key as submitted; the handler normalises it. */
  key: string;
  expiresAt: Date | null;
  usageType: SshKeyUsageType;
}

/** Adds a key to a user; answers the new key's id. */
export class AddSshKey extends Command<number> {
  constructor(
    readonly input: AddSshKeyInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
