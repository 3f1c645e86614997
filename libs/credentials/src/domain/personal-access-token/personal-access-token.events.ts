export const PERSONAL_ACCESS_TOKEN_CREATED = 'credentials.personal_access_token_created';

export interface PersonalAccessTokenCreatedData {
  id: number;
  user_id: number;
  name: string;
  description: string | null;
  scopes: string[];
  /** `YYYY-MM-DD`, or null for a token that never expires. */
  expires_at: string | null;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_digest: string;
  created_at: string;
}

export type PersonalAccessTokenEvent = {
  type: typeof PERSONAL_ACCESS_TOKEN_CREATED;
  schemaVersion: 1;
  data: PersonalAccessTokenCreatedData;
};

export function credentialsStreamId(userId: number): string {
  return `credentials.user-${userId}`;
}
