import { Injectable } from '@nestjs/common';
import { UserNotFoundError } from '@app/identity';
import { Database, isRecordId } from '@app/shared';

export interface CredentialOwner {
  id: number;
  username: string;
  /** The display name, which GitLab writes into a published SSH key's comment. */
  name: string;
  admin: boolean;
}

type OwnerRow = { user_id: string; username: string; name: string; admin: boolean };
const owner = (row: OwnerRow): CredentialOwner => ({ id: Number(row.user_id), username: row.username, name: row.name, admin: row.admin });

/** Users as credentials' own `token_owners` table knows them: every credential endpoint's 404 User comes from here. */
@Injectable()
export class CredentialOwners {
  constructor(private readonly db: Database) {}

  async byId(id: number): Promise<CredentialOwner | null> {
    if (!isRecordId(id)) return null;
    const rows = await this.db.query<OwnerRow>('SELECT user_id, username, name, admin FROM credentials.token_owners WHERE user_id = $1', [id]);
    return rows.length ? owner(rows[0]) : null;
  }

  /** The user, or 404 User Not Found. */
  async existing(id: number): Promise<CredentialOwner> {
    const owner = await this.byId(id);
    if (!owner) throw new UserNotFoundError();
    return owner;
  }

  /** GitLab's `find_user`: all digits is an id, anything else a username, case-insensitively. */
  async byIdOrUsername(idOrUsername: string): Promise<CredentialOwner | null> {
    if (/^\d+$/.test(idOrUsername)) return this.byId(Number(idOrUsername));
    const rows = await this.db.query<OwnerRow>('SELECT user_id, username, name, admin FROM credentials.token_owners WHERE lower(username) = lower($1)', [idOrUsername]);
    return rows.length ? owner(rows[0]) : null;
  }
}
