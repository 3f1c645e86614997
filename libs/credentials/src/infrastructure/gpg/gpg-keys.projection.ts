import { Injectable } from '@nestjs/common';
import type { InlineProjection, ProjectedEvent, Queryable } from '@app/eventstore';
import { USER_DELETED, type UserDeletedData } from '@app/identity/events';
import { GPG_KEY_ADDED, GPG_KEY_DELETED, GPG_KEY_REVOKED, type GpgKeyAddedData, type GpgKeyRemovedData } from '../../domain/gpg-key/gpg-key.events.js';

/** `credentials.gpg_keys` and their subkeys (kept, not shown, as GitLab keeps them); a deleted user's keys go with the user. */
@Injectable()
export class GpgKeysProjection implements InlineProjection {
  readonly name = 'credentials.gpg_keys';
  readonly eventTypes = [GPG_KEY_ADDED, GPG_KEY_REVOKED, GPG_KEY_DELETED, USER_DELETED];
  readonly tables = ['credentials.gpg_key_subkeys', 'credentials.gpg_keys'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case GPG_KEY_ADDED: {
        const data = event.data as GpgKeyAddedData;
        await db.query(
          `INSERT INTO credentials.gpg_keys (id, user_id, key, key_sha256, fingerprint, primary_keyid, emails, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [data.id, data.user_id, data.key, data.key_sha256, data.fingerprint, data.primary_keyid, data.emails, data.created_at],
        );
        if (data.subkeys.length > 0) {
          await db.query(
            `INSERT INTO credentials.gpg_key_subkeys (gpg_key_id, keyid, fingerprint)
             SELECT $1, keyid, fingerprint FROM unnest($2::text[], $3::text[]) AS s(keyid, fingerprint)`,
            [data.id, data.subkeys.map((subkey) => subkey.keyid), data.subkeys.map((subkey) => subkey.fingerprint)],
          );
        }
        return;
      }
      case GPG_KEY_REVOKED:
      case GPG_KEY_DELETED: {
        const { id } = event.data as GpgKeyRemovedData;
        await db.query('DELETE FROM credentials.gpg_key_subkeys WHERE gpg_key_id = $1', [id]);
        await db.query('DELETE FROM credentials.gpg_keys WHERE id = $1', [id]);
        return;
      }
      case USER_DELETED: {
        const { id } = event.data as UserDeletedData;
        await db.query('DELETE FROM credentials.gpg_key_subkeys WHERE gpg_key_id IN (SELECT id FROM credentials.gpg_keys WHERE user_id = $1)', [id]);
        await db.query('DELETE FROM credentials.gpg_keys WHERE user_id = $1', [id]);
        return;
      }
    }
  }
}
