/** Credentials' token events (stream `credentials.user-<id>`). This file imports nothing (other contexts read it through `@app/credentials/events`). */

export const PERSONAL_ACCESS_TOKEN_CREATED = 'credentials.personal_access_token_created';
export const IMPERSONATION_TOKEN_CREATED = 'credentials.impersonation_token_created';
export const PERSONAL_ACCESS_TOKEN_REVOKED = 'credentials.personal_access_token_revoked';

/** The current schema version: v2 added the owner's username; v1 events are read with a null one. */
export const PERSONAL_ACCESS_TOKEN_CREATED_VERSION = 2;

export interface PersonalAccessTokenCreatedData {
  id: number;
  user_id: number;
  /** The owner's username when the token was created; null for tokens created before it was recorded. */
  username: string | null;
  name: string;
  description: string | null;
  scopes: string[];
  /** `YYYY-MM-DD`, or null for a token that never expires. */
  expires_at: string | null;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_digest: string;
  created_at: string;
  /** The token this one replaced by rotation (absent otherwise). */
  rotated_from_id?: number;
}

/** An impersonation token: made by an admin, it acts as its user, and requests made with it record that admin. */
export interface ImpersonationTokenCreatedData extends PersonalAccessTokenCreatedData {
  impersonator_id: number;
}

export interface PersonalAccessTokenRevokedData {
  id: number;
  user_id: number;
  username: string;
  name: string;
  impersonation: boolean;
  /** `revoked` by a request, or `rotated` (replaced by `replaced_by_id` in the same append). */
  reason: 'revoked' | 'rotated';
  replaced_by_id: number | null;
  revoked_at: string;
}

/** The payload as schema version 1 stored it: without the username. */
export type PersonalAccessTokenCreatedV1Data = Omit<PersonalAccessTokenCreatedData, 'username'>;

export type PersonalAccessTokenEvent =
  | { type: typeof PERSONAL_ACCESS_TOKEN_CREATED; schemaVersion: typeof PERSONAL_ACCESS_TOKEN_CREATED_VERSION; data: PersonalAccessTokenCreatedData }
  | { type: typeof IMPERSONATION_TOKEN_CREATED; schemaVersion: 1; data: ImpersonationTokenCreatedData }
  | { type: typeof PERSONAL_ACCESS_TOKEN_REVOKED; schemaVersion: 1; data: PersonalAccessTokenRevokedData };

export const PERSONAL_ACCESS_TOKEN_EVENT_TYPES = [PERSONAL_ACCESS_TOKEN_CREATED, IMPERSONATION_TOKEN_CREATED, PERSONAL_ACCESS_TOKEN_REVOKED] as const;

export function credentialsStreamId(userId: number): string {
  return `credentials.user-${userId}`;
}
