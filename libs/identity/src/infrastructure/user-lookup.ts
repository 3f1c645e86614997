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

  async isEmpty(): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM identity.users LIMIT 1');
    return rows.length === 0;
  }
}
