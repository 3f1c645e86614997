import { Injectable } from '@nestjs/common';
import { Database, isRecordId, SecondaryEmails } from '@app/shared';

export interface EmailRow {
  id: string;
  user_id: string;
  email: string;
  confirmed_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, user_id, email, confirmed_at, created_at';

/** Reads of `credentials.user_emails`; also identity's view of a user's secondary addresses. */
@Injectable()
export class UserEmailsRepository extends SecondaryEmails {
  constructor(private readonly db: Database) {
    super();
  }

  /** Secondary addresses only: GitLab's API does not list the primary one. */
  async page(userId: number, offset: number, limit: number): Promise<{ rows: EmailRow[]; total: number }> {
    const [rows, [{ count }]] = await Promise.all([
      this.db.query<EmailRow>(`SELECT ${COLUMNS} FROM credentials.user_emails WHERE user_id = $1 AND NOT is_primary ORDER BY id LIMIT $2 OFFSET $3`, [userId, limit, offset]),
      this.db.query<{ count: string }>('SELECT count(*) AS count FROM credentials.user_emails WHERE user_id = $1 AND NOT is_primary', [userId]),
    ]);
    return { rows, total: Number(count) };
  }

  async find(userId: number, emailId: number): Promise<EmailRow | null> {
    if (!isRecordId(emailId)) return null;
    const rows = await this.db.query<EmailRow>(`SELECT ${COLUMNS} FROM credentials.user_emails WHERE user_id = $1 AND id = $2 AND NOT is_primary`, [userId, emailId]);
    return rows[0] ?? null;
  }

  async primaryOf(userId: number): Promise<string | null> {
    const rows = await this.db.query<{ email: string }>('SELECT email FROM credentials.user_emails WHERE user_id = $1 AND is_primary', [userId]);
    return rows[0]?.email.toLowerCase() ?? null;
  }

  /** The unconfirmed address a token was mailed for. */
  async byConfirmationDigest(digest: string): Promise<{ id: number; userId: number } | null> {
    const rows = await this.db.query<{ id: string; user_id: string }>('SELECT id, user_id FROM credentials.user_emails WHERE confirmation_token_digest = $1', [digest]);
    return rows.length ? { id: Number(rows[0].id), userId: Number(rows[0].user_id) } : null;
  }

  async confirmed(userId: number): Promise<string[]> {
    const rows = await this.db.query<{ email: string }>(
      'SELECT lower(email) AS email FROM credentials.user_emails WHERE user_id = $1 AND NOT is_primary AND confirmed_at IS NOT NULL',
      [userId],
    );
    return rows.map((row) => row.email);
  }

  async heldByAnotherUser(email: string, userId: number | null): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM credentials.user_emails WHERE lower(email) = lower($1) AND user_id IS DISTINCT FROM $2 LIMIT 1', [email.trim(), userId]);
    return rows.length > 0;
  }
}
