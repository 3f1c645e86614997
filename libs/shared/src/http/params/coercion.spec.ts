import { describe, it, expect } from '@jest/globals';
import {
  coerceBoolean,
  coerceDate,
  coerceDateTime,
  coerceInteger,
  coerceString,
  coerceStringArray,
  coerceStringHash,
  INVALID,
} from './coercion.js';

describe('coerceBoolean', () => {
  it.each([true, 'true', 'True', 'TRUE', '1', 1, 'yes', 'Yes', 'y', 't', 'on', ' true '])('given %j, then true', (raw) => {
    expect(coerceBoolean(raw)).toBe(true);
  });

  it.each([false, 'false', 'False', '0', 0, 'no', 'n', 'f', 'off'])('given %j, then false', (raw) => {
    expect(coerceBoolean(raw)).toBe(false);
  });

  it.each(['', '   '])('given the blank %j, then null', (raw) => {
    expect(coerceBoolean(raw)).toBeNull();
  });

  it.each(['maybe', 'truthy', 2, -1, {}, [], ['true']])('given %j, then INVALID', (raw) => {
    expect(coerceBoolean(raw)).toBe(INVALID);
  });

  it('given undefined or null, then they pass through (absent vs explicit null)', () => {
    expect(coerceBoolean(undefined)).toBeUndefined();
    expect(coerceBoolean(null)).toBeNull();
  });
});

describe('coerceInteger', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['-3', -3],
    ['+5', 5],
    ['007', 7],
    [12, 12],
    [0, 0],
  ])('given %j, then %j', (raw, value) => {
    expect(coerceInteger(raw)).toBe(value);
  });

  it.each(['1.5', 1.5, 'abc', '12abc', '1e3', '0x10', '9007199254740993', Number.MAX_SAFE_INTEGER + 2, true, [], {}])('given %j, then INVALID', (raw) => {
    expect(coerceInteger(raw)).toBe(INVALID);
  });

  it('given an empty string, then null', () => {
    expect(coerceInteger('')).toBeNull();
  });

  it('given undefined or null, then they pass through', () => {
    expect(coerceInteger(undefined)).toBeUndefined();
    expect(coerceInteger(null)).toBeNull();
  });
});

describe('coerceString', () => {
  it('given strings (even empty), then they are kept as sent', () => {
    expect(coerceString('')).toBe('');
    expect(coerceString('  padded ')).toBe('  padded ');
  });

  it('given numbers and booleans, then their string form', () => {
    expect(coerceString(12)).toBe('12');
    expect(coerceString(false)).toBe('false');
  });

  it('given objects or arrays, then INVALID', () => {
    expect(coerceString({ a: 1 })).toBe(INVALID);
    expect(coerceString(['a'])).toBe(INVALID);
  });

  it('given undefined or null, then they pass through', () => {
    expect(coerceString(undefined)).toBeUndefined();
    expect(coerceString(null)).toBeNull();
  });
});

describe('coerceStringArray', () => {
  it('given an array of strings, then the same strings', () => {
    expect(coerceStringArray(['api', 'read_user'])).toEqual(['api', 'read_user']);
  });

  it('given an array of scalars, then their string forms', () => {
    expect(coerceStringArray([1, true, 'x'])).toEqual(['1', 'true', 'x']);
  });

  it('given a comma-separated string, then its trimmed, non-empty parts', () => {
    expect(coerceStringArray('api, read_user,,sudo ')).toEqual(['api', 'read_user', 'sudo']);
  });

  it('given a single word, then a one-item array', () => {
    expect(coerceStringArray('api')).toEqual(['api']);
  });

  it('given an empty string, then an empty array', () => {
    expect(coerceStringArray('')).toEqual([]);
  });

  it.each([[[{ a: 1 }]], [[['nested']]], [{ a: 'b' }], [42]])('given %j, then INVALID', (raw) => {
    expect(coerceStringArray(raw)).toBe(INVALID);
  });

  it('given undefined or null, then they pass through', () => {
    expect(coerceStringArray(undefined)).toBeUndefined();
    expect(coerceStringArray(null)).toBeNull();
  });
});

describe('coerceStringHash', () => {
  it('given an object of scalars, then an object of strings', () => {
    expect(coerceStringHash({ a: 'x', b: 2, c: false })).toEqual({ a: 'x', b: '2', c: 'false' });
  });

  it.each([['a=b'], [['a']], [{ a: { nested: true } }]])('given %j, then INVALID', (raw) => {
    expect(coerceStringHash(raw)).toBe(INVALID);
  });
});

describe('coerceDateTime', () => {
  it.each([
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05.678Z', '2024-01-02T03:04:05.678Z'],
    ['2024-01-02T03:04:05+02:00', '2024-01-02T01:04:05.000Z'],
    ['2024-01-02T03:04:05-0500', '2024-01-02T08:04:05.000Z'],
    ['2024-01-02 03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02', '2024-01-02T00:00:00.000Z'],
    [' 2024-01-02 ', '2024-01-02T00:00:00.000Z'],
  ])('given %j, then %s', (raw, iso) => {
    const value = coerceDateTime(raw);
    expect(value).toBeInstanceOf(Date);
    expect((value as Date).toISOString()).toBe(iso);
  });

  // Only discriminating when the suite runs with TZ other than UTC (checked with TZ=America/New_York):
  // Jest gives each test file its own copy of process.env, so the zone cannot be switched from here.
  it('given a time without a zone, then it is read as UTC whatever the process time zone', () => {
    expect((coerceDateTime('2024-01-02T03:04:05') as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect((coerceDateTime('2024-01-02 03:04') as Date).toISOString()).toBe('2024-01-02T03:04:00.000Z');
  });

  it.each(['yesterday', '1', '2024', '2024-13-01', '2024-02-30', '2023-02-29', '2024-04-31', '2024-01-02T25:00:00Z', 42, true, {}])(
    'given %j, then INVALID',
    (raw) => {
      expect(coerceDateTime(raw)).toBe(INVALID);
    },
  );

  it('given a leap day of a leap year, then it is a date', () => {
    expect((coerceDateTime('2024-02-29') as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('given an empty string, then null; a blank string is INVALID', () => {
    expect(coerceDateTime('')).toBeNull();
    expect(coerceDateTime('  ')).toBe(INVALID);
  });

  it('given undefined or null, then they pass through', () => {
    expect(coerceDateTime(undefined)).toBeUndefined();
    expect(coerceDateTime(null)).toBeNull();
  });
});

describe('coerceDate', () => {
  it('given a date, then the same YYYY-MM-DD', () => {
    expect(coerceDate('2027-04-04')).toBe('2027-04-04');
  });

  it('given a UTC date-time, then its date', () => {
    expect(coerceDate('2027-04-04T23:59:59Z')).toBe('2027-04-04');
  });

  it('given an impossible date, then INVALID', () => {
    expect(coerceDate('2027-02-30')).toBe(INVALID);
    expect(coerceDate('04/04/2027')).toBe(INVALID);
  });

  it('given an empty string or null, then null; undefined stays undefined', () => {
    expect(coerceDate('')).toBeNull();
    expect(coerceDate(null)).toBeNull();
    expect(coerceDate(undefined)).toBeUndefined();
  });
});
