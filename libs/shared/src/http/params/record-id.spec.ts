import { describe, expect, it } from '@jest/globals';
import { isRecordId } from './record-id.js';

describe('isRecordId', () => {
  it.each([0, 1, 42, Number.MAX_SAFE_INTEGER])('given %p, then it can name a row', (id) => {
    expect(isRecordId(id)).toBe(true);
  });

  it.each([
    ['past 2^53 - 1 (rounded on the way in)', Number('9007199254740993')],
    ['past bigint (PostgreSQL would refuse it)', Number('9223372036854775808')],
    ['far past bigint', Number('99999999999999999999')],
    ['not an integer', 1.5],
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('given an id %s, then it names nothing', (_what, id) => {
    expect(isRecordId(id)).toBe(false);
  });
});
