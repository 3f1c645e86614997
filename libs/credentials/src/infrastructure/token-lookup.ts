import { Injectable } from '@nestjs/common';
import { Database, type CallerUser, type TokenRecord } from '@app/shared';

type TokenRow = {
  id: string;
  user_id: string;
  scopes: string[];
  revoked: boolean;
  expires_at: string | null;
  impersonation: boolean;
  impersonator_id: string | null;
  username: string;
  name: string;
  admin: boolean;
  state: string;
  user_type: string;
};

const TOKEN_BY_DIGEST = `SELECT t.id, t.user_id, t.scopes, t.revoked, to_char(t.expires_at, 'YYYY-MM-DD') AS expires_at, t.impersonation, t.impersonator_id,
                                o.username, o.name, o.admin, o.state, o.user_type
                           FROM credentials.personal_access_tokens t JOIN credentials.token_owners o ON o.user_id = t.user_id
                          WHERE t.token_digest = $1`;

/**
 * The credentials context's public query port: a token and its owner by the token's
 * digest, in one indexed read of this context's own tables.
 */
@Injectable()
export class TokenLookup {
  constructor(private readonly db: Database) {}

  async byDigest(digest: string): Promise<{ token: TokenRecord; user: CallerUser } | null> {
    // Prepared: a cache miss costs one planned-once, indexed read.
    const rows = await this.db.prepared<TokenRow>(TOKEN_BY_DIGEST, [digest]);
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      token: {
        id: Number(row.id),
        userId: Number(row.user_id),
        scopes: row.scopes,
        revoked: row.revoked,
        expiresAt: row.expires_at,
        kind: row.impersonation ? 'impersonation_token' : 'personal_access_token',
        impersonatorId: row.impersonator_id === null ? null : Number(row.impersonator_id),
      },
      user: { id: Number(row.user_id), username: row.username, name: row.name, isAdmin: row.admin, state: row.state, userType: row.user_type },
    };
  }
}
