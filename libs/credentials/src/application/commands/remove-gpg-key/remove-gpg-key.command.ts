import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

export interface RemoveGpgKeyInput {
  userId: number;
  keyId: number;
  /** `revoke`: the key's signatures stop counting as verified, then it is removed; `delete`: only removed. */
  how: 'revoke' | 'delete';
  /** `If-Unmodified-Since` (delete only): 412 when the key is newer. */
  unmodifiedSince: Date | null;
}

export class RemoveGpgKey extends Command<void> {
  constructor(
    readonly input: RemoveGpgKeyInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
