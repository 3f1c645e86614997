import type { AuthenticatedToken, CallerUser } from './caller.js';

export interface TokenRecord extends AuthenticatedToken {
  revoked: boolean;
  /** `YYYY-MM-DD`; the token stops working at 00:00 UTC of that day. */
  expiresAt: string | null;
}

/**
 * What authentication needs to know, implemented by the contexts that own the data
 * (credentials for tokens, identity for users) and wired in the API's composition root.
 */
export abstract class CallerDirectory {
  /** The token and its owner, or null when no token has this digest (or its owner is gone). */
  abstract findTokenByDigest(digest: string): Promise<{ token: TokenRecord; user: CallerUser } | null>;
  abstract findUserById(id: number): Promise<CallerUser | null>;
  abstract findUserByUsername(username: string): Promise<CallerUser | null>;
}
