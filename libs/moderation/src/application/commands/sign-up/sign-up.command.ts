import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface SignUpInput {
  username: string;
  email: string;
  name: string;
  password: string;
}

export interface SignedUpUser {
  id: number;
  username: string;
  name: string;
  email: string;
  /** `active`, or `blocked_pending_approval` when an admin must approve sign-ups. */
  state: string;
}

export class SignUp extends Command<SignedUpUser> {
  constructor(
    readonly input: SignUpInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
