import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { Identity, UserProfile } from '../../../domain/user/user.events.js';
import type { AvatarFile } from '../../../infrastructure/avatar-store.js';
import type { UserRow } from '../../../infrastructure/user-row.js';

export interface UpdateUserInput {
  userId: number;
  actorId: number;
  changes: Partial<UserProfile>;
  password: string | null;
  skipReconfirmation: boolean;
  identity: Identity | null;
  /** An uploaded avatar (multipart `avatar`). */
  avatar?: AvatarFile | null;
}

export class UpdateUser extends Command<UserRow> {
  constructor(
    readonly input: UpdateUserInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
