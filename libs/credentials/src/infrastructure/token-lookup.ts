import { Injectable } from '@nestjs/common';
import { Database, type TokenRecord } from '@app/shared';

type TokenRow = { id: string; user_id: string; scopes: string[]; revoked: boolean; expires_at: string | null; impersonation: boolean };

/** The credentials context's public query port: a token by its digest. */
@Injectable()
export class TokenLookup {
  constructor(private readonly db: Database) {}

  async byDigest(digest: string): Promise<TokenRecord | null> {
    const rows = await this.db.query<TokenRow>(
      `SELECT id, user_id, scopes, revoked, to_char(expires_at, 'YYYY-MM-DD') AS expires_at, impersonation
         FROM personal_access_tokens WHERE token_digest = $1`,
      [digest],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      id: Number(row.id),
      userId: Number(row.user_id),
      scopes: row.scopes,
      revoked: row.revoked,
      expiresAt: row.expires_at,
      kind: row.impersonation ? 'impersonation_token' : 'personal_access_token',
    };
  }
}
