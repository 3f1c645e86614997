/** Custom attribute events (stream `identity.custom-attributes-<user id>`). Stable names; payloads carry `schemaVersion`. */

export const CUSTOM_ATTRIBUTE_CREATED = 'identity.custom_attribute_created';
export const CUSTOM_ATTRIBUTE_UPDATED = 'identity.custom_attribute_updated';
export const CUSTOM_ATTRIBUTE_DELETED = 'identity.custom_attribute_deleted';

export interface CustomAttributeCreatedData {
  user_id: number;
  key: string;
  value: string;
  created_at: string;
}

export interface CustomAttributeUpdatedData {
  user_id: number;
  key: string;
  value: string;
  /** The value before the change, for the audit log. */
  previous_value: string;
  updated_at: string;
}

export interface CustomAttributeDeletedData {
  user_id: number;
  key: string;
  /** The value it had, for the audit log. */
  previous_value: string;
  deleted_at: string;
}

export type CustomAttributeEvent =
  | { type: typeof CUSTOM_ATTRIBUTE_CREATED; schemaVersion: 1; data: CustomAttributeCreatedData }
  | { type: typeof CUSTOM_ATTRIBUTE_UPDATED; schemaVersion: 1; data: CustomAttributeUpdatedData }
  | { type: typeof CUSTOM_ATTRIBUTE_DELETED; schemaVersion: 1; data: CustomAttributeDeletedData };

export const CUSTOM_ATTRIBUTE_EVENT_TYPES = [CUSTOM_ATTRIBUTE_CREATED, CUSTOM_ATTRIBUTE_UPDATED, CUSTOM_ATTRIBUTE_DELETED] as const;

/**
 * A stream of its own per user, beside `identity.user-<id>`: attributes change independently of the
 * profile, so admins setting attributes never conflict with profile updates, and the user decider
 * need not know these events.
 */
export function customAttributesStreamId(userId: number): string {
  return `identity.custom-attributes-${userId}`;
}
