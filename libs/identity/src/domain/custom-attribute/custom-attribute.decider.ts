import { CustomAttributeInvalidError, CustomAttributeNotFoundError } from './custom-attribute.errors.js';
import {
  CUSTOM_ATTRIBUTE_CREATED,
  CUSTOM_ATTRIBUTE_DELETED,
  CUSTOM_ATTRIBUTE_UPDATED,
  type CustomAttributeEvent,
} from './custom-attribute.events.js';

/** GitLab's `custom_attributes.key` / `.value` are `character varying(255)`. */
export const CUSTOM_ATTRIBUTE_MAX_LENGTH = 255;

export interface CustomAttributesState {
  /** Current attributes by key. */
  attributes: Readonly<Record<string, string>>;
}

export const initialCustomAttributesState: CustomAttributesState = { attributes: {} };

export interface SetCustomAttributeCommand {
  kind: 'set_custom_attribute';
  userId: number;
  key: string;
  value: string;
}

export interface DeleteCustomAttributeCommand {
  kind: 'delete_custom_attribute';
  userId: number;
  key: string;
}

export type CustomAttributeCommand = SetCustomAttributeCommand | DeleteCustomAttributeCommand;

export function evolveCustomAttributes(state: CustomAttributesState, event: CustomAttributeEvent): CustomAttributesState {
  switch (event.type) {
    case CUSTOM_ATTRIBUTE_CREATED:
    case CUSTOM_ATTRIBUTE_UPDATED:
      return { attributes: { ...state.attributes, [event.data.key]: event.data.value } };
    case CUSTOM_ATTRIBUTE_DELETED: {
      const { [event.data.key]: _removed, ...rest } = state.attributes;
      return { attributes: rest };
    }
    default:
      return state;
  }
}

function has(state: CustomAttributesState, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(state.attributes, key);
}

/** GitLab's model validations: presence of key and value, at most 255 characters each. */
function validate(key: string, value: string): void {
  const errors: Record<string, string[]> = {};
  const check = (name: string, text: string) => {
    const messages: string[] = [];
    if (text.trim() === '') messages.push("can't be blank");
    if (text.length > CUSTOM_ATTRIBUTE_MAX_LENGTH) messages.push(`is too long (maximum is ${CUSTOM_ATTRIBUTE_MAX_LENGTH} characters)`);
    if (messages.length) errors[name] = messages;
  };
  check('key', key);
  check('value', value);
  if (Object.keys(errors).length) throw new CustomAttributeInvalidError(errors);
}

/** Creates or updates (upsert); setting the value it already has changes nothing and emits nothing. */
export function decideCustomAttribute(command: CustomAttributeCommand, state: CustomAttributesState, now: Date): CustomAttributeEvent[] {
  switch (command.kind) {
    case 'set_custom_attribute': {
      validate(command.key, command.value);
      if (!has(state, command.key)) {
        return [{ type: CUSTOM_ATTRIBUTE_CREATED, schemaVersion: 1, data: { user_id: command.userId, key: command.key, value: command.value, created_at: now.toISOString() } }];
      }
      const previous = state.attributes[command.key];
      if (previous === command.value) return [];
      return [
        {
          type: CUSTOM_ATTRIBUTE_UPDATED,
          schemaVersion: 1,
          data: { user_id: command.userId, key: command.key, value: command.value, previous_value: previous, updated_at: now.toISOString() },
        },
      ];
    }
    case 'delete_custom_attribute': {
      // GitLab's DELETE answers `not_found!('Custom attribute')` (lower-case "attribute").
      if (!has(state, command.key)) throw new CustomAttributeNotFoundError('Custom attribute');
      return [
        {
          type: CUSTOM_ATTRIBUTE_DELETED,
          schemaVersion: 1,
          data: { user_id: command.userId, key: command.key, previous_value: state.attributes[command.key], deleted_at: now.toISOString() },
        },
      ];
    }
  }
}
