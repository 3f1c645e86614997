import { describe, expect, it } from '@jest/globals';
import { findTextFlaw, textFlaw } from './malformed-text.js';

describe('textFlaw', () => {
  it.each([
    ['a\u0000b', 'http.null_byte'],
    ['\u0000', 'http.null_byte'],
    ['\ud800', 'http.lone_surrogate'],
    ['a\udc00', 'http.lone_surrogate'],
    ['\ud83d\ud83d\ude00', 'http.lone_surrogate'],
    ['\ude00\ud83d', 'http.lone_surrogate'],
  ])('given %j, then %s', (text, flaw) => {
    expect(textFlaw(text)).toBe(flaw);
  });

  it.each(['', 'plain', '😀', '\ud83d\ude00', 'é\t\r\n\u001f', '%00', '\\u0000'])('given %j, then none', (text) => {
    expect(textFlaw(text)).toBeNull();
  });

  it('given both, then the NUL is named (it is checked first)', () => {
    expect(textFlaw('\ud800\u0000')).toBe('http.null_byte');
  });
});

describe('findTextFlaw', () => {
  it('given clean parameters of every shape, then none', () => {
    expect(findTextFlaw({ a: 'x', b: [1, 'y', { c: true, d: null }], e: { f: ['g'] } })).toBeNull();
    expect(findTextFlaw(undefined)).toBeNull();
  });

  it('given a flaw in a value at any depth, in arrays or objects, then it is found', () => {
    expect(findTextFlaw({ a: { b: { c: { d: { e: ['ok', '\u0000'] } } } } })).toBe('http.null_byte');
    expect(findTextFlaw([[['\ud800']]])).toBe('http.lone_surrogate');
  });

  it('given a flaw in a key, then it is found', () => {
    expect(findTextFlaw({ 'a\u0000': 1 })).toBe('http.null_byte');
    expect(findTextFlaw({ x: [{ '\udfff': 'fine' }] })).toBe('http.lone_surrogate');
  });

  it('given 100,000 levels of nesting, then it walks them without overflowing the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTextFlaw(deep)).toBe('http.null_byte');
  });

  it('given uploaded bytes, then they are not read as text (a NUL byte in a file is data)', () => {
    expect(findTextFlaw([{ fieldname: 'avatar', originalname: 'a.png', buffer: Buffer.from([0, 0xd8, 0]) }])).toBeNull();
  });
});
