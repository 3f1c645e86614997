import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@app/eventstore';
import { Database, isRecordId } from '@app/shared';
import { avatarPath } from '../domain/user/user.rules.js';

/** An uploaded avatar file as the API received it. */
export interface AvatarFile {
  originalName: string;
  bytes: Buffer;
}

export interface StoredAvatar {
  filename: string;
  contentType: string;
  bytes: Buffer;
  sha256: string;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Avatar bytes in PostgreSQL (`user_avatars`, one current avatar per user), so every API
 * instance serves them and they survive restarts. Written in the command's transaction,
 * beside the event that records the avatar's path and digest.
 */
@Injectable()
export class AvatarStore {
  constructor(private readonly db: Database) {}

  async save(tx: Queryable, userId: number, avatar: StoredAvatar): Promise<void> {
    await tx.query(
      `INSERT INTO identity.user_avatars (user_id, filename, content_type, bytes, sha256, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (user_id) DO UPDATE SET filename = EXCLUDED.filename, content_type = EXCLUDED.content_type,
         bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, updated_at = now()`,
      [userId, avatar.filename, avatar.contentType, avatar.bytes, avatar.sha256],
    );
  }

  /** A deleted user's avatar goes with them, in the deletion's transaction. */
  async remove(tx: Queryable, userId: number): Promise<void> {
    await tx.query('DELETE FROM identity.user_avatars WHERE user_id = $1', [userId]);
  }

  /** The avatar a live user shows at this path; null when there is none. */
  async find(userId: number, filename: string): Promise<StoredAvatar | null> {
    if (!isRecordId(userId)) return null;
    const [row] = await this.db.query<{ filename: string; content_type: string; bytes: Buffer; sha256: string }>(
      `SELECT a.filename, a.content_type, a.bytes, a.sha256
         FROM identity.user_avatars a JOIN identity.users u ON u.id = a.user_id
        WHERE a.user_id = $1 AND a.filename = $2 AND u.avatar_path = $3`,
      [userId, filename, avatarPath(userId, filename)],
    );
    return row ? { filename: row.filename, contentType: row.content_type, bytes: row.bytes, sha256: row.sha256 } : null;
  }
}
