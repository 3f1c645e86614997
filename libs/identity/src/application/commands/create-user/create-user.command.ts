import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';
import type { PasswordMode } from '../../../domain/user/user.commands.js';
import type { Identity, UserProfile, UserType } from '../../../domain/user/user.events.js';

/** An uploaded file as a command carries it: its name as sent and its bytes. */
export interface UploadedFile {
  originalName: string;
  bytes: Buffer;
}

export interface CreateUserInput {
  profile: Pick<UserProfile, 'username' | 'email' | 'name'> & Partial<UserProfile>;
  password: string | null;
  passwordMode: 'given' | 'reset' | 'random';
  skipConfirmation: boolean;
  identity: Identity | null;
  createdById: number | null;
  userType?: UserType;
  /** An uploaded avatar (multipart `avatar`). */
  avatar?: UploadedFile | null;
  /** Only for the first boot: root is user 1. */
  id?: number;
}

/** Creates a user; answers the new user's id (the caller reads the user back through a query). */
export class CreateUser extends Command<number> {
  constructor(
    readonly input: CreateUserInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

export type { PasswordMode };
