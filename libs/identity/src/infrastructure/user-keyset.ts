import { ParamsInvalidError, textFlaw } from '@app/shared';

/** The orderings keyset pagination supports for users (`User.supported_keyset_orderings`); created_at is read as id. */
export type KeysetColumn = 'id' | 'name' | 'username' | 'updated_at';

/**
 * Where the previous page ended: the ordering column's value and the id tie-breaker.
 * `updated_at` is kept as PostgreSQL's text (microseconds), which a JS Date would truncate.
 */
export interface KeysetPosition {
  id: string;
  value?: string;
}

/** 400 `{"error":"cursor is invalid"}`: the cursor was not made by us, or for another ordering. */
export class InvalidCursorError extends ParamsInvalidError {
  constructor() {
    super(['cursor is invalid']);
  }
}

/**
 * The longest cursor encodeCursor can return. Its JSON is `{"<column>":"<value>","id":"<id>"}`: the
 * longest value is a name or username, at most 255 UTF-16 units (user.rules.ts), each at most 6
 * bytes of JSON (`\u001f`); the id is a bigint, at most 19 digits. Base64 turns 3 bytes into 4
 * characters, and the standard alphabet adds up to two `=` of padding (accepted too).
 */
const MAX_CURSOR_JSON_BYTES = '{"updated_at":"","id":"9223372036854775807"}'.length + 255 * 6;
export const MAX_CURSOR_LENGTH = Math.ceil(MAX_CURSOR_JSON_BYTES / 3) * 4;

/** A cursor longer than any we issue is refused before it is decoded (or repeated in a `Link` header). */
export function assertCursorLength(cursor: string): void {
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError();
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** An opaque cursor: base64url of `{"<column>": value, "id": "<id>"}` (GitLab's cursors are base64 JSON too). */
export function encodeCursor(column: KeysetColumn, position: KeysetPosition): string {
  const payload: Record<string, string> = column === 'id' ? { id: position.id } : { [column]: position.value ?? '', id: position.id };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Reads a cursor for `column`, or throws InvalidCursorError. Standard and URL-safe base64 are both accepted. */
export function decodeCursor(column: KeysetColumn, cursor: string): KeysetPosition {
  assertCursorLength(cursor);
  const text = cursor.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new InvalidCursorError();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new InvalidCursorError();
  const fields = payload as Record<string, unknown>;
  const id = typeof fields.id === 'number' ? String(fields.id) : fields.id;
  if (typeof id !== 'string' || !/^\d{1,18}$/.test(id)) throw new InvalidCursorError();
  if (column === 'id') return { id };
  const value = fields[column];
  // The value reaches SQL as text: a NUL (or a lone surrogate) hidden in the base64 is no cursor of ours.
  if (typeof value !== 'string' || textFlaw(value)) throw new InvalidCursorError();
  if (column === 'updated_at' && (!TIMESTAMP.test(value) || Number.isNaN(Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'))))) {
    throw new InvalidCursorError();
  }
  return { id, value };
}
