import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@app/shared';

export interface AdminSession {
  idDigest: string;
  userId: number;
  tokenDigest: string;
  csrfSecret: string;
}

/** The session id is a bearer secret like a token: the table keeps only this digest of it. */
export function sessionIdDigest(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** 32 random bytes as base64url: the session id, the CSRF secrets. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Admin sessions in `credentials.admin_sessions`, on the server so that signing out or a revoked
 * token ends them for good (a cookie that held the session itself could be replayed). Expiry is
 * PostgreSQL's clock, the same for every API process.
 */
export class AdminSessionStore {
  constructor(
    private readonly db: Database,
    private readonly ttlSeconds: number,
  ) {}

  /** A new session for this user and token; the plain id is returned once, for the cookie. */
  async create(userId: number, tokenDigest: string): Promise<{ id: string; session: AdminSession }> {
    const id = randomSecret();
    const session: AdminSession = { idDigest: sessionIdDigest(id), userId, tokenDigest, csrfSecret: randomSecret() };
    await this.db.query(
      `INSERT INTO credentials.admin_sessions (id_digest, user_id, token_digest, csrf_secret, created_at, expires_at)
       VALUES ($1, $2, $3, $4, now(), now() + make_interval(secs => $5))`,
      [session.idDigest, userId, tokenDigest, session.csrfSecret, this.ttlSeconds],
    );
    return { id, session };
  }

  /** The session with this id, unless it has expired or ended. */
  async find(id: string): Promise<AdminSession | null> {
    const rows = await this.db.query<{ user_id: string; token_digest: string; csrf_secret: string }>(
      'SELECT user_id, token_digest, csrf_secret FROM credentials.admin_sessions WHERE id_digest = $1 AND expires_at > now()',
      [sessionIdDigest(id)],
    );
    if (rows.length === 0) return null;
    return { idDigest: sessionIdDigest(id), userId: Number(rows[0].user_id), tokenDigest: rows[0].token_digest, csrfSecret: rows[0].csrf_secret };
  }

  async end(idDigest: string): Promise<void> {
    await this.db.query('DELETE FROM credentials.admin_sessions WHERE id_digest = $1', [idDigest]);
  }

  /** Expired rows are of no use to anyone; sign-in calls this so the table never grows without bound. */
  async deleteExpired(): Promise<void> {
    await this.db.query('DELETE FROM credentials.admin_sessions WHERE expires_at <= now()');
  }
}
