import { Injectable } from '@nestjs/common';
import { Database, isRecordId, type CallerUser } from '@app/shared';

const CALLER_COLUMNS = 'id, username, name, admin, state, user_type';
type CallerRow = { id: string; username: string; name: string; admin: boolean; state: string; user_type: string };
const toCaller = (row: CallerRow): CallerUser => ({ id: Number(row.id), username: row.username, name: row.name, isAdmin: row.admin, state: row.state, userType: row.user_type });

/** The identity context's public query port: who a user is, for authentication and sudo. */
@Injectable()
export class UserLookup {
  constructor(private readonly db: Database) {}

  async byId(id: number): Promise<CallerUser | null> {
    if (!isRecordId(id)) return null;
    const rows = await this.db.query<CallerRow>(`SELECT ${CALLER_COLUMNS} FROM identity.user_entities WHERE id = $1`, [id]);
    return rows.length ? toCaller(rows[0]) : null;
  }

  async byUsername(username: string): Promise<CallerUser | null> {
    const rows = await this.db.query<CallerRow>(`SELECT ${CALLER_COLUMNS} FROM identity.user_entities WHERE lower(username) = lower($1)`, [username]);
    return rows.length ? toCaller(rows[0]) : null;
  }

  /** Who a user is in identity's own table (no state: other contexts keep theirs), by primary key, prepared. */
  async identityOf(id: number): Promise<{ id: number; username: string; userType: string } | null> {
    if (!isRecordId(id)) return null;
    const rows = await this.db.prepared<{ username: string; user_type: string }>('SELECT username, user_type FROM identity.users WHERE id = $1', [id]);
    return rows.length ? { id, username: rows[0].username, userType: rows[0].user_type } : null;
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM identity.users LIMIT 1');
    return rows.length === 0;
  }
}
