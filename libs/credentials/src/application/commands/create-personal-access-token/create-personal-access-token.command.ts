import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

export interface CreatePersonalAccessTokenInput {
  userId: number;
  name: string;
  description: string | null;
  scopes: string[];
  expiresAt: string | 'never' | null;
  /** A token chosen by the operator (ROOT_PERSONAL_ACCESS_TOKEN); otherwise one is generated. */
  token?: string;
  /** Set for an impersonation token: the admin who makes it, recorded on every request made with it. */
  impersonatorId?: number;
}

export interface CreatedPersonalAccessToken {
  id: number;
  name: string;
  description: string | null;
  scopes: string[];
  user_id: number;
  expires_at: string | null;
  created_at: string;
  /** The only time the plain token exists outside the caller's hands. */
  token: string;
  impersonation: boolean;
}

export class CreatePersonalAccessToken extends Command<CreatedPersonalAccessToken> {
  constructor(
    readonly input: CreatePersonalAccessTokenInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
