import { Injectable } from '@nestjs/common';
import { Database, isRecordId } from '@app/shared';

export interface GpgKeyRow {
  id: string;
  user_id: string;
  key: string;
  created_at: Date;
}

/** Reads of `credentials.gpg_keys`. */
@Injectable()
export class GpgKeysRepository {
  constructor(private readonly db: Database) {}

  async page(userId: number, offset: number, limit: number): Promise<{ rows: GpgKeyRow[]; total: number }> {
    const [rows, [{ count }]] = await Promise.all([
      this.db.query<GpgKeyRow>('SELECT id, user_id, key, created_at FROM credentials.gpg_keys WHERE user_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [userId, limit, offset]),
      this.db.query<{ count: string }>('SELECT count(*) AS count FROM credentials.gpg_keys WHERE user_id = $1', [userId]),
    ]);
    return { rows, total: Number(count) };
  }

  async find(userId: number, keyId: number): Promise<GpgKeyRow | null> {
    if (!isRecordId(keyId)) return null;
    const rows = await this.db.query<GpgKeyRow>('SELECT id, user_id, key, created_at FROM credentials.gpg_keys WHERE user_id = $1 AND id = $2', [userId, keyId]);
    return rows[0] ?? null;
  }

  /** Whether users other than `userId` hold this exact text, or this key (fingerprint or key id). */
  async heldElsewhere(userId: number, textSha256: string, fingerprint: string | null, primaryKeyId: string | null): Promise<{ text: boolean; fingerprint: boolean }> {
    const [row] = await this.db.query<{ text: boolean; fingerprint: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM credentials.gpg_keys WHERE key_sha256 = $2 AND user_id <> $1) AS text,
              EXISTS (SELECT 1 FROM credentials.gpg_keys WHERE (fingerprint = $3 OR primary_keyid = $4) AND user_id <> $1) AS fingerprint`,
      [userId, textSha256, fingerprint, primaryKeyId],
    );
    return row;
  }
}
