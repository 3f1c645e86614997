import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, InvalidCursorError, MAX_CURSOR_LENGTH } from './user-keyset.js';

const cursorOf = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('keyset cursors', () => {
  it('then the longest cursors we can issue (255 control characters, each 6 bytes of JSON; ids up to the 19 digits of a bigint) are within MAX_CURSOR_LENGTH', () => {
    const name = '\u0001'.repeat(255);
    const cursor = encodeCursor('name', { value: name, id: '9223372036854775807'.slice(0, 18) });
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(decodeCursor('name', cursor)).toEqual({ value: name, id: '922337203685477580' });
    const widest = encodeCursor('updated_at', { value: '\u0001'.repeat(255), id: '9223372036854775807' });
    expect(widest.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
  });

  it('given a cursor one character longer than any we issue, then it is invalid before it is decoded', () => {
    expect(() => decodeCursor('id', 'a'.repeat(MAX_CURSOR_LENGTH + 1))).toThrow(InvalidCursorError);
  });

  it('given a value hiding a NUL or a lone surrogate, then it is invalid (the value reaches SQL as text)', () => {
    expect(() => decodeCursor('name', cursorOf({ name: 'a\u0000', id: '1' }))).toThrow(InvalidCursorError);
    expect(() => decodeCursor('username', cursorOf({ username: '\ud800', id: '1' }))).toThrow(InvalidCursorError);
  });

  it('given an ordinary value, then it is read back', () => {
    expect(decodeCursor('username', cursorOf({ username: 'jo', id: '7' }))).toEqual({ value: 'jo', id: '7' });
  });
});
