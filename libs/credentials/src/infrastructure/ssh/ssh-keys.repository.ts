import { Injectable } from '@nestjs/common';
import { Database, isRecordId, type Statement } from '@app/shared';

export interface SshKeyRow {
  id: string;
  user_id: string;
  title: string;
  key: string;
  usage_type: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  /** The owner's display name, for the published key's comment. */
  owner_name: string;
}

const COLUMNS = `k.id, k.user_id, k.title, k.key, k.usage_type, k.expires_at, k.last_used_at, k.created_at, o.name AS owner_name`;

/** Reads of `credentials.ssh_keys`, with the owner's name from credentials' own `token_owners`. */
@Injectable()
export class SshKeysRepository {
  constructor(private readonly db: Database) {}

  async page(userId: number, offset: number, limit: number): Promise<{ rows: SshKeyRow[]; total: number }> {
    const [rows, [{ count }]] = await Promise.all([
      this.db.query<SshKeyRow>(
        `SELECT ${COLUMNS} FROM credentials.ssh_keys k JOIN credentials.token_owners o ON o.user_id = k.user_id
          WHERE k.user_id = $1 ORDER BY k.id LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      ),
      this.db.query<{ count: string }>('SELECT count(*) AS count FROM credentials.ssh_keys WHERE user_id = $1', [userId]),
    ]);
    return { rows, total: Number(count) };
  }

  /** The user's key with that id; another user's key is no key. */
  async find(userId: number, keyId: number): Promise<SshKeyRow | null> {
    if (!isRecordId(keyId)) return null;
    const rows = await this.db.query<SshKeyRow>(
      `SELECT ${COLUMNS} FROM credentials.ssh_keys k JOIN credentials.token_owners o ON o.user_id = k.user_id
        WHERE k.user_id = $1 AND k.id = $2`,
      [userId, keyId],
    );
    return rows[0] ?? null;
  }

  /**
   * What an add needs, in one round trip: the owner (none: no row), who holds the fingerprint
   * already, and the new key's id (allocated only for an existing owner).
   */
  async beforeAdd(userId: number, fingerprintSha256: string | null): Promise<{ username: string; holder: number | null; id: number } | null> {
    const rows = await this.db.query<{ username: string; holder: string | null; id: string }>(
      `SELECT o.username, (SELECT k.user_id FROM credentials.ssh_keys k WHERE k.fingerprint_sha256 = $2) AS holder, nextval('credentials.ssh_keys_id_seq') AS id
         FROM credentials.token_owners o WHERE o.user_id = $1`,
      [userId, fingerprintSha256],
    );
    if (rows.length === 0) return null;
    return { username: rows[0].username, holder: rows[0].holder === null ? null : Number(rows[0].holder), id: Number(rows[0].id) };
  }

  /** The key as the API shows it, read in the append's own batch. */
  findStatement(keyId: number): Statement {
    return { text: `SELECT ${COLUMNS} FROM credentials.ssh_keys k JOIN credentials.token_owners o ON o.user_id = k.user_id WHERE k.id = $1`, params: [keyId] };
  }

  /** Whose key this fingerprint is, if anyone's. */
  async ownerOfFingerprint(fingerprintSha256: string): Promise<number | null> {
    const rows = await this.db.query<{ user_id: string }>('SELECT user_id FROM credentials.ssh_keys WHERE fingerprint_sha256 = $1', [fingerprintSha256]);
    return rows.length ? Number(rows[0].user_id) : null;
  }

  /**
   * The user a key authenticates (what an SSH front end asks): an expired key stops counting at
   * its expiry, to the second, whether or not anything has removed it.
   */
  async activeOwnerOfFingerprint(fingerprintSha256: string, now: Date): Promise<number | null> {
    const rows = await this.db.query<{ user_id: string }>(
      `SELECT user_id FROM credentials.ssh_keys WHERE fingerprint_sha256 = $1 AND usage_type <> 'signing' AND (expires_at IS NULL OR expires_at > $2)`,
      [fingerprintSha256, now],
    );
    return rows.length ? Number(rows[0].user_id) : null;
  }
}
