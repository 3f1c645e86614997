import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';
import type { Identity, UserProfile } from '../../../domain/user/user.events.js';
import type { UploadedFile } from '../create-user/create-user.command.js';
import type { UserRow } from '../../../infrastructure/user-row.js';

export interface UpdateUserInput {
  userId: number;
  actorId: number;
  changes: Partial<UserProfile>;
  password: string | null;
  skipReconfirmation: boolean;
  identity: Identity | null;
  /** An uploaded avatar (multipart `avatar`). */
  avatar?: UploadedFile | null;
}

/**
 * Changes a user's attributes. Answers the user as the change left them, read in the append's
 * transaction; null when nothing changed (the caller reads the user back through a query).
 */
export class UpdateUser extends Command<UserRow | null> {
  constructor(
    readonly input: UpdateUserInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
