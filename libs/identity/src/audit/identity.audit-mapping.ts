import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import {
  CUSTOM_ATTRIBUTE_CREATED,
  CUSTOM_ATTRIBUTE_DELETED,
  CUSTOM_ATTRIBUTE_UPDATED,
  type CustomAttributeCreatedData,
  type CustomAttributeDeletedData,
  type CustomAttributeUpdatedData,
} from '../domain/custom-attribute/custom-attribute.events.js';
import {
  USER_ADMIN_CHANGED,
  USER_CREATED,
  USER_DELETED,
  USER_EMAIL_CHANGED,
  USER_IDENTITY_REMOVED,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type UserAdminChangedData,
  type UserChangeData,
  type UserCreatedData,
  type UserDeletedData,
  type UserEmailChangedData,
  type UserIdentityRemovedData,
  type UserNameChangedData,
  type UserPasswordChangedData,
  type UserProfileUpdatedData,
  type UserUsernameChangedData,
} from '../domain/user/user.events.js';

const entry = (entityId: number, eventName: string, targetDetails: string, details: Record<string, unknown>): AuditEntry => ({
  entity_id: entityId,
  event_name: eventName,
  target_details: targetDetails,
  details,
});

/** A change GitLab audits under a name of its own: the attribute, and its values as text. */
function namedChange(data: UserChangeData, eventName: string, attribute: string, from: unknown, to: unknown): AuditEntry {
  return entry(data.id, eventName, data.username, {
    change: attribute,
    from: String(from ?? ''),
    to: String(to ?? ''),
    custom_message: `Changed ${attribute} from ${from ?? ''} to ${to ?? ''}`,
  });
}

/**
 * PostgreSQL's jsonb keeps an object's keys shorter first, then in byte order. The settings rows
 * written before identity's update event was split listed the changed settings in that order
 * (they read the event back from jsonb), so the message lists them the same way, whatever order
 * the event was built in.
 */
function jsonbKeyOrder(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function settingsUpdated(data: UserProfileUpdatedData): AuditEntry[] {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(data.changes).sort(jsonbKeyOrder)) {
    const change = data.changes[key as keyof UserProfileUpdatedData['changes']];
    if (change) changes[key] = { from: change.from, to: change.to };
  }
  if (data.identities) changes.identities = { from: null, to: data.identities };
  const names = Object.keys(changes);
  if (names.length === 0) return [];
  return [entry(data.id, 'user_settings_updated', data.username, { changes, custom_message: `Changed ${names.join(', ')}` })];
}

function emailChanged(data: UserEmailChangedData): AuditEntry[] {
  // A confirmed change names `email`; an address left waiting for confirmation, `unconfirmed_email`.
  if (data.email) return [namedChange(data, 'user_email_address_updated', 'email', data.email.from, data.email.to)];
  if (data.unconfirmed_email) {
    return [namedChange(data, 'user_email_address_updated', 'unconfirmed_email', data.unconfirmed_email.from, data.unconfirmed_email.to)];
  }
  return [];
}

/**
 * The audit rows identity's events leave, named as GitLab names them. A new avatar leaves none
 * (GitLab does not audit it). Secrets never appear: a password change is recorded as a fact.
 */
function identityAuditEntries(event: StoredEvent): AuditEntry[] {
  switch (event.type) {
    case USER_CREATED: {
      const data = event.data as UserCreatedData;
      return [entry(data.id, 'user_created', data.username, { add: 'user', custom_message: `User ${data.username} created` })];
    }
    case USER_DELETED: {
      const data = event.data as UserDeletedData;
      const how = data.hard_delete ? ' with hard delete' : '';
      return [entry(data.id, 'user_destroyed', data.username, { remove: 'user', custom_message: `User ${data.username} deleted${how}` })];
    }
    case USER_NAME_CHANGED: {
      const data = event.data as UserNameChangedData;
      return [namedChange(data, 'user_name_updated', 'name', data.from, data.to)];
    }
    case USER_ADMIN_CHANGED: {
      const data = event.data as UserAdminChangedData;
      return [namedChange(data, 'user_admin_status_updated', 'admin', data.from, data.to)];
    }
    case USER_EMAIL_CHANGED:
      return emailChanged(event.data as UserEmailChangedData);
    case USER_USERNAME_CHANGED: {
      const data = event.data as UserUsernameChangedData;
      return [namedChange(data, 'user_username_updated', 'username', data.from, data.to)];
    }
    case USER_PASSWORD_CHANGED: {
      const data = event.data as UserPasswordChangedData;
      return [entry(data.id, 'user_password_updated', data.username, { change: 'password', custom_message: 'Password changed' })];
    }
    case USER_PROFILE_UPDATED:
      return settingsUpdated(event.data as UserProfileUpdatedData);
    case USER_IDENTITY_REMOVED: {
      const data = event.data as UserIdentityRemovedData;
      return [
        entry(data.id, 'user_identity_removed', data.username, {
          remove: 'identity',
          provider: data.provider,
          extern_uid: data.extern_uid,
          custom_message: `Removed ${data.provider} identity ${data.extern_uid}`,
        }),
      ];
    }
    // Custom attributes: one row each, named after GitLab's model callbacks (custom_attribute_created/updated/destroyed).
    case CUSTOM_ATTRIBUTE_CREATED: {
      const data = event.data as CustomAttributeCreatedData;
      return [
        entry(data.user_id, 'custom_attribute_created', `user-${data.user_id}`, {
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
        entry(data.user_id, 'custom_attribute_updated', `user-${data.user_id}`, {
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
        entry(data.user_id, 'custom_attribute_destroyed', `user-${data.user_id}`, {
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

export const IDENTITY_AUDIT_MAPPING: AuditMapping = {
  context: 'identity',
  eventTypes: [
    USER_CREATED,
    USER_NAME_CHANGED,
    USER_ADMIN_CHANGED,
    USER_EMAIL_CHANGED,
    USER_USERNAME_CHANGED,
    USER_PASSWORD_CHANGED,
    USER_PROFILE_UPDATED,
    USER_DELETED,
    USER_IDENTITY_REMOVED,
    CUSTOM_ATTRIBUTE_CREATED,
    CUSTOM_ATTRIBUTE_UPDATED,
    CUSTOM_ATTRIBUTE_DELETED,
  ],
  entriesFor: identityAuditEntries,
};
