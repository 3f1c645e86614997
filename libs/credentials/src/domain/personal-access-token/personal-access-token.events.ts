/** Credentials' token events (stream `credentials.user-<id>`). This file imports nothing (other contexts read it through `@app/credentials/events`). */

export const PERSONAL_ACCESS_TOKEN_CREATED = 'credentials.personal_access_token_created';

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
}

/** The payload as schema version 1 stored it: without the username. */
export type PersonalAccessTokenCreatedV1Data = Omit<PersonalAccessTokenCreatedData, 'username'>;

export type PersonalAccessTokenEvent = {
  type: typeof PERSONAL_ACCESS_TOKEN_CREATED;
  schemaVersion: typeof PERSONAL_ACCESS_TOKEN_CREATED_VERSION;
  data: PersonalAccessTokenCreatedData;
};

export const PERSONAL_ACCESS_TOKEN_EVENT_TYPES = [PERSONAL_ACCESS_TOKEN_CREATED] as const;

export function credentialsStreamId(userId: number): string {
  return `credentials.user-${userId}`;
}
