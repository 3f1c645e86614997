import { Injectable } from '@nestjs/common';
import type { InlineProjection, ProjectedEvent, Queryable } from '@app/eventstore';
import { USER_DELETED, type UserDeletedData } from '@app/identity/events';
import { SSH_KEY_ADDED, SSH_KEY_DELETED, type SshKeyAddedData, type SshKeyDeletedData } from '../../domain/ssh-key/ssh-key.events.js';

/** `credentials.ssh_keys`; a deleted user's keys go with the user, as GitLab's do. */
@Injectable()
export class SshKeysProjection implements InlineProjection {
  readonly name = 'credentials.ssh_keys';
  readonly eventTypes = [SSH_KEY_ADDED, SSH_KEY_DELETED, USER_DELETED];
  readonly tables = ['credentials.ssh_keys'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case SSH_KEY_ADDED: {
        const data = event.data as SshKeyAddedData;
        await db.query(
          `INSERT INTO credentials.ssh_keys (id, user_id, title, key, key_type, bits, fingerprint_md5, fingerprint_sha256, usage_type, expires_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [data.id, data.user_id, data.title, data.key, data.key_type, data.bits, data.fingerprint_md5, data.fingerprint_sha256, data.usage_type, data.expires_at, data.created_at],
        );
        return;
      }
      case SSH_KEY_DELETED:
        await db.query('DELETE FROM credentials.ssh_keys WHERE id = $1', [(event.data as SshKeyDeletedData).id]);
        return;
      case USER_DELETED:
        await db.query('DELETE FROM credentials.ssh_keys WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
    }
  }
}
