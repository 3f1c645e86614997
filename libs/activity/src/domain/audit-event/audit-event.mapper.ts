import type { StoredEvent } from '@app/eventstore';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from '@app/credentials';
import { USER_CREATED, USER_DELETED, USER_UPDATED, type UserCreatedData, type UserDeletedData, type UserUpdatedData } from '@app/identity';
import { USER_IDENTITY_REMOVED, type UserIdentityRemovedData } from '@app/identity';
import {
  CUSTOM_ATTRIBUTE_CREATED,
  CUSTOM_ATTRIBUTE_DELETED,
  CUSTOM_ATTRIBUTE_UPDATED,
  type CustomAttributeCreatedData,
  type CustomAttributeDeletedData,
  type CustomAttributeUpdatedData,
} from '@app/identity';

/** A GitLab-shaped audit row, before it gets its id. */
export interface AuditEventDraft {
  author_id: number;
  entity_id: number;
  entity_type: 'User';
  event_name: string;
  details: Record<string, unknown>;
  created_at: Date;
  source_event_id: string;
}

/** Attributes whose change GitLab audits under a name of its own. */
const NAMED_CHANGES: Record<string, string> = {
  email: 'user_email_address_updated',
  unconfirmed_email: 'user_email_address_updated',
  username: 'user_username_updated',
  name: 'user_name_updated',
  admin: 'user_admin_status_updated',
};

/**
 * Which audit rows a stored event leaves. Pure: the same event always gives the same
 * rows, so redelivery can insert them idempotently. Secrets never appear: password
 * changes are recorded as a fact, token creations by id and name.
 */
export function auditEventsFor(event: StoredEvent): AuditEventDraft[] {
  const meta = event.metadata;
  const authorId = meta.actor_id ?? -1;
  const base = (entityId: number, eventName: string, targetDetails: string, extra: Record<string, unknown>): AuditEventDraft => ({
    author_id: authorId,
    entity_id: entityId,
    entity_type: 'User',
    event_name: eventName,
    created_at: event.occurredAt,
    source_event_id: event.eventId,
    details: {
      event_name: eventName,
      // Events written before actor_name existed fall back to the username.
      author_name: meta.actor_name ?? meta.actor_username ?? '(System)',
      author_class: meta.actor_id === null ? 'Gitlab::Audit::UnauthenticatedAuthor' : 'User',
      target_id: entityId,
      target_type: 'User',
      target_details: targetDetails,
      ...extra,
      ip_address: meta.ip,
      entity_path: targetDetails,
      ...(meta.impersonator_id !== null ? { impersonated_by_id: meta.impersonator_id } : {}),
      request_id: meta.request_id,
    },
  });

  switch (event.type) {
    case USER_CREATED: {
      const data = event.data as UserCreatedData;
      return [base(data.id, 'user_created', data.username, { add: 'user', custom_message: `User ${data.username} created` })];
    }
    case USER_DELETED: {
      const data = event.data as UserDeletedData;
      const how = data.hard_delete ? ' with hard delete' : '';
      return [base(data.id, 'user_destroyed', data.username, { remove: 'user', custom_message: `User ${data.username} deleted${how}` })];
    }
    case USER_UPDATED: {
      const data = event.data as UserUpdatedData;
      const username = data.username;
      const rows = new Map<string, AuditEventDraft>();
      const other: Record<string, { from: unknown; to: unknown }> = {};
      for (const [attribute, to] of Object.entries(data.changes)) {
        const from = (data.previous as Record<string, unknown>)[attribute];
        const name = NAMED_CHANGES[attribute];
        if (name && !rows.has(name)) {
          rows.set(name, base(data.id, name, username, { change: attribute, from: String(from ?? ''), to: String(to ?? ''), custom_message: `Changed ${attribute} from ${from ?? ''} to ${to ?? ''}` }));
        } else if (!name) other[attribute] = { from, to };
      }
      if (data.password_changed) rows.set('user_password_updated', base(data.id, 'user_password_updated', username, { change: 'password', custom_message: 'Password changed' }));
      if (data.identities) other.identities = { from: null, to: data.identities };
      if (Object.keys(other).length > 0) {
        rows.set('user_settings_updated', base(data.id, 'user_settings_updated', username, { changes: other, custom_message: `Changed ${Object.keys(other).join(', ')}` }));
      }
      return [...rows.values()];
    }
    case USER_IDENTITY_REMOVED: {
      const data = event.data as UserIdentityRemovedData;
      return [
        base(data.id, 'user_identity_removed', data.username, {
          remove: 'identity',
          provider: data.provider,
          extern_uid: data.extern_uid,
          custom_message: `Removed ${data.provider} identity ${data.extern_uid}`,
        }),
      ];
    }
    case PERSONAL_ACCESS_TOKEN_CREATED: {
      const data = event.data as PersonalAccessTokenCreatedData;
      return [
        base(data.user_id, 'personal_access_token_created', `user-${data.user_id}`, {
          custom_message: `Created personal access token with id ${data.id}`,
          token_id: data.id,
          token_name: data.name,
          token_scopes: data.scopes,
          token_expires_at: data.expires_at,
        }),
      ];
    }
    // Custom attributes: one row each, named after GitLab's model callbacks (custom_attribute_created/updated/destroyed).
    case CUSTOM_ATTRIBUTE_CREATED: {
      const data = event.data as CustomAttributeCreatedData;
      return [
        base(data.user_id, 'custom_attribute_created', `user-${data.user_id}`, {
          add: 'custom_attribute',
          custom_attribute_key: data.key,
          to: data.value,
          custom_message: `Created custom attribute ${data.key}`,
        }),
      ];
    }
    case CUSTOM_ATTRIBUTE_UPDATED: {
      const data = event.data as CustomAttributeUpdatedData;
      return [
        base(data.user_id, 'custom_attribute_updated', `user-${data.user_id}`, {
          change: 'custom_attribute',
          custom_attribute_key: data.key,
          from: data.previous_value,
          to: data.value,
          custom_message: `Changed custom attribute ${data.key} from ${data.previous_value} to ${data.value}`,
        }),
      ];
    }
    case CUSTOM_ATTRIBUTE_DELETED: {
      const data = event.data as CustomAttributeDeletedData;
      return [
        base(data.user_id, 'custom_attribute_destroyed', `user-${data.user_id}`, {
          remove: 'custom_attribute',
          custom_attribute_key: data.key,
          from: data.previous_value,
          custom_message: `Removed custom attribute ${data.key}`,
        }),
      ];
    }
    default:
      return [];
  }
}

export const AUDITED_EVENT_TYPES: readonly string[] = [USER_CREATED, USER_UPDATED, USER_DELETED, USER_IDENTITY_REMOVED, PERSONAL_ACCESS_TOKEN_CREATED, CUSTOM_ATTRIBUTE_CREATED, CUSTOM_ATTRIBUTE_UPDATED, CUSTOM_ATTRIBUTE_DELETED];
