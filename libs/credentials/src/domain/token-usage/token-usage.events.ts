/** A token was used during a minute (stream `credentials.token-usage-<token id>`, at most one event a minute). */
export const PERSONAL_ACCESS_TOKEN_USED = 'credentials.personal_access_token_used';

export interface PersonalAccessTokenUsedData {
  id: number;
  /** The start of the minute of use, ISO-8601. */
  used_at: string;
}

export type TokenUsageEvent = { type: typeof PERSONAL_ACCESS_TOKEN_USED; schemaVersion: 1; data: PersonalAccessTokenUsedData };

export function tokenUsageStreamId(tokenId: number): string {
  return `credentials.token-usage-${tokenId}`;
}
