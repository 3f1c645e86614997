import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from '../domain/personal-access-token/personal-access-token.events.js';

/**
 * The audit rows credentials' events leave, named as GitLab names them. A token is recorded by
 * id, name, scopes and expiry, never by its digest. The target is the owner's username, or
 * `user-<id>` for tokens whose event predates the username being recorded.
 */
function credentialsAuditEntries(event: StoredEvent): AuditEntry[] {
  if (event.type !== PERSONAL_ACCESS_TOKEN_CREATED) return [];
  const data = event.data as PersonalAccessTokenCreatedData;
  return [
    {
      entity_id: data.user_id,
      event_name: 'personal_access_token_created',
      target_details: data.username ?? `user-${data.user_id}`,
      details: {
        custom_message: `Created personal access token with id ${data.id}`,
        token_id: data.id,
        token_name: data.name,
        token_scopes: data.scopes,
        token_expires_at: data.expires_at,
      },
    },
  ];
}

export const CREDENTIALS_AUDIT_MAPPING: AuditMapping = {
  context: 'credentials',
  eventTypes: [PERSONAL_ACCESS_TOKEN_CREATED],
  entriesFor: credentialsAuditEntries,
};
