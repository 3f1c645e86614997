import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { PasswordMode } from '../../../domain/user/user.commands.js';
import type { Identity, UserProfile, UserType } from '../../../domain/user/user.events.js';
import type { AvatarFile } from '../../../infrastructure/avatar-store.js';
import type { UserRow } from '../../../infrastructure/user-row.js';

export interface CreateUserInput {
  profile: Pick<UserProfile, 'username' | 'email' | 'name'> & Partial<UserProfile>;
  password: string | null;
  passwordMode: 'given' | 'reset' | 'random';
  skipConfirmation: boolean;
  identity: Identity | null;
  createdById: number | null;
  userType?: UserType;
  /** An uploaded avatar (multipart `avatar`). */
  avatar?: AvatarFile | null;
  /** Only for the first boot: root is user 1. */
  id?: number;
}

export class CreateUser extends Command<UserRow> {
  constructor(
    readonly input: CreateUserInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

export type { PasswordMode };
