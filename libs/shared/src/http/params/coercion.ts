/**
 * Grape-style coercion of request parameters. Clients send the same value as JSON
 * types, form strings or multipart strings; each coercer accepts all of them.
 */
export const INVALID = Symbol('invalid parameter');
export type Coerced<T> = T | null | undefined | typeof INVALID;

const TRUE_WORDS = new Set(['true', '1', 't', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'f', 'no', 'n', 'off']);

export function coerceBoolean(raw: unknown): Coerced<boolean> {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw === 1 ? true : raw === 0 ? false : INVALID;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (word === '') return null;
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return INVALID;
}

export function coerceInteger(raw: unknown): Coerced<number> {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : INVALID;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return null;
    if (/^[-+]?\d+$/.test(text)) {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : INVALID;
    }
  }
  return INVALID;
}

export function coerceString(raw: unknown): Coerced<string> {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return INVALID;
}

export function coerceDateTime(raw: unknown): Coerced<Date> {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw !== 'string' || raw.trim() === '') return raw === '' ? null : INVALID;
  const text = raw.trim();
  // A bare date, or a date with a time; Date.parse alone accepts too much (e.g. "1").
  const match = /^(\d{4})-(\d{2})-(\d{2})([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (!match) return INVALID;
  const [, year, month, day, clock, zone] = match;
  // Date.parse rolls 2024-02-30 over into March; Ruby's Date.parse refuses it.
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return INVALID;
  // A time without a zone is UTC (as Ruby reads it), never the server's local time.
  const time = Date.parse(`${text.replace(' ', 'T')}${clock && !zone ? 'Z' : ''}`);
  return Number.isNaN(time) ? INVALID : new Date(time);
}

export function coerceDate(raw: unknown): Coerced<string> {
  const value = coerceDateTime(raw);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}

/** Arrays arrive as JSON arrays, `key[]=a&key[]=b`, or a comma-separated string. */
export function coerceStringArray(raw: unknown): Coerced<string[]> {
  if (raw === undefined || raw === null) return raw;
  if (Array.isArray(raw)) {
    const items = raw.map(coerceString);
    return items.every((item): item is string => typeof item === 'string') ? items : INVALID;
  }
  if (typeof raw === 'string') return raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  return INVALID;
}

export function coerceStringHash(raw: unknown): Coerced<Record<string, string>> {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw !== 'object' || Array.isArray(raw)) return INVALID;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const text = coerceString(value);
    if (typeof text !== 'string') return INVALID;
    out[key] = text;
  }
  return out;
}
