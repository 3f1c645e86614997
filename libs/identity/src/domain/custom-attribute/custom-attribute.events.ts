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

/** The current schema version of each custom attribute event. */
export const CUSTOM_ATTRIBUTE_EVENT_SCHEMA_VERSIONS = {
  [CUSTOM_ATTRIBUTE_CREATED]: 1,
  [CUSTOM_ATTRIBUTE_UPDATED]: 1,
  [CUSTOM_ATTRIBUTE_DELETED]: 1,
} as const;

export type CustomAttributeEvent =
  | { type: typeof CUSTOM_ATTRIBUTE_CREATED; schemaVersion: (typeof CUSTOM_ATTRIBUTE_EVENT_SCHEMA_VERSIONS)[typeof CUSTOM_ATTRIBUTE_CREATED]; data: CustomAttributeCreatedData }
  | { type: typeof CUSTOM_ATTRIBUTE_UPDATED; schemaVersion: (typeof CUSTOM_ATTRIBUTE_EVENT_SCHEMA_VERSIONS)[typeof CUSTOM_ATTRIBUTE_UPDATED]; data: CustomAttributeUpdatedData }
  | { type: typeof CUSTOM_ATTRIBUTE_DELETED; schemaVersion: (typeof CUSTOM_ATTRIBUTE_EVENT_SCHEMA_VERSIONS)[typeof CUSTOM_ATTRIBUTE_DELETED]; data: CustomAttributeDeletedData };

export const CUSTOM_ATTRIBUTE_EVENT_TYPES = [CUSTOM_ATTRIBUTE_CREATED, CUSTOM_ATTRIBUTE_UPDATED, CUSTOM_ATTRIBUTE_DELETED] as const;

/**
 * A stream of its own per user, beside `identity.user-<id>`: attributes change independently of the
 * profile, so admins setting attributes never conflict with profile updates, and the user decider
 * need not know these events.
 */
export function customAttributesStreamId(userId: number): string {
  return `identity.custom-attributes-${userId}`;
}
