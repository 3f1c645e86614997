import { describe, expect, it } from '@jest/globals';
import { decideCustomAttribute, evolveCustomAttributes, initialCustomAttributesState, type CustomAttributesState } from './custom-attribute.decider.js';
import { CustomAttributeInvalidError, CustomAttributeNotFoundError } from './custom-attribute.errors.js';
import { CUSTOM_ATTRIBUTE_CREATED, CUSTOM_ATTRIBUTE_DELETED, CUSTOM_ATTRIBUTE_UPDATED, customAttributesStreamId, type CustomAttributeEvent } from './custom-attribute.events.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const given = (...events: CustomAttributeEvent[]): CustomAttributesState => events.reduce(evolveCustomAttributes, initialCustomAttributesState);
const created = (key: string, value: string): CustomAttributeEvent => ({ type: CUSTOM_ATTRIBUTE_CREATED, schemaVersion: 1, data: { user_id: 7, key, value, created_at: NOW.toISOString() } });
const set = (key: string, value: string) => ({ kind: 'set_custom_attribute' as const, userId: 7, key, value });
const del = (key: string) => ({ kind: 'delete_custom_attribute' as const, userId: 7, key });

describe('custom attribute decider', () => {
  it('names its stream per user', () => {
    expect(customAttributesStreamId(7)).toBe('identity.custom-attributes-7');
  });

  it('given no attributes, when one is set, then custom_attribute_created', () => {
    expect(decideCustomAttribute(set('team', 'platform'), given(), NOW)).toEqual([
      { type: CUSTOM_ATTRIBUTE_CREATED, schemaVersion: 1, data: { user_id: 7, key: 'team', value: 'platform', created_at: '2026-11-21T12:00:00.000Z' } },
    ]);
  });

  it('given an attribute, when it is set to another value, then custom_attribute_updated with the previous value', () => {
    expect(decideCustomAttribute(set('team', 'infra'), given(created('team', 'platform')), NOW)).toEqual([
      { type: CUSTOM_ATTRIBUTE_UPDATED, schemaVersion: 1, data: { user_id: 7, key: 'team', value: 'infra', previous_value: 'platform', updated_at: '2026-11-21T12:00:00.000Z' } },
    ]);
  });

  it('given an attribute, when it is set to the same value, then nothing happens', () => {
    expect(decideCustomAttribute(set('team', 'platform'), given(created('team', 'platform')), NOW)).toEqual([]);
  });

  it('given an attribute, when it is deleted, then custom_attribute_deleted with the value it had', () => {
    expect(decideCustomAttribute(del('team'), given(created('team', 'platform')), NOW)).toEqual([
      { type: CUSTOM_ATTRIBUTE_DELETED, schemaVersion: 1, data: { user_id: 7, key: 'team', previous_value: 'platform', deleted_at: '2026-11-21T12:00:00.000Z' } },
    ]);
  });

  it('given no such attribute, when it is deleted, then 404 Custom attribute Not Found', () => {
    expect(() => decideCustomAttribute(del('team'), given(created('other', 'x')), NOW)).toThrow(CustomAttributeNotFoundError);
    expect(() => decideCustomAttribute(del('team'), given(), NOW)).toThrow('404 Custom attribute Not Found');
  });

  it('given a deleted attribute, when it is set again, then it is created again', () => {
    const state = given(created('team', 'a'), { type: CUSTOM_ATTRIBUTE_DELETED, schemaVersion: 1, data: { user_id: 7, key: 'team', previous_value: 'a', deleted_at: NOW.toISOString() } });
    expect(state.attributes).toEqual({});
    expect(decideCustomAttribute(set('team', 'b'), state, NOW)[0].type).toBe(CUSTOM_ATTRIBUTE_CREATED);
  });

  it('keys like "constructor" or "__proto__" are plain keys', () => {
    expect(() => decideCustomAttribute(del('constructor'), given(), NOW)).toThrow(CustomAttributeNotFoundError);
    const state = given(created('__proto__', 'x'));
    expect(Object.keys(state.attributes)).toEqual(['__proto__']);
    expect(decideCustomAttribute(set('__proto__', 'x'), state, NOW)).toEqual([]);
  });

  it('when the value is blank, then a model error for value', () => {
    try {
      decideCustomAttribute(set('team', '  '), given(), NOW);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CustomAttributeInvalidError);
      expect((error as CustomAttributeInvalidError).errors).toEqual({ value: ["can't be blank"] });
    }
  });

  it('when key and value are longer than 255 characters, then both are too long', () => {
    try {
      decideCustomAttribute(set('k'.repeat(256), 'v'.repeat(256)), given(), NOW);
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as CustomAttributeInvalidError).errors).toEqual({
        key: ['is too long (maximum is 255 characters)'],
        value: ['is too long (maximum is 255 characters)'],
      });
    }
  });

  it('evolve ignores events it does not know', () => {
    const state = given(created('a', '1'));
    expect(evolveCustomAttributes(state, { type: 'identity.other', schemaVersion: 1, data: {} } as unknown as CustomAttributeEvent)).toBe(state);
  });
});
