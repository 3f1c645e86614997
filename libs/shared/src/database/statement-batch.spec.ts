import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { escapeLiteral, inlineParams, sqlLiteral, StatementBatch } from './statement-batch.js';

describe('sqlLiteral: a parameter as the literal a batch sends', () => {
  it('quotes text so that quotes and backslashes cannot end it', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('a\\b')).toBe(" E'a\\\\b'");
    expect(sqlLiteral("'); DROP TABLE users; --")).toBe("'''); DROP TABLE users; --'");
  });

  it('writes NULL for null and undefined, and numbers and booleans as quoted text', () => {
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(undefined)).toBe('NULL');
    expect(sqlLiteral(42)).toBe("'42'");
    expect(sqlLiteral(true)).toBe("'true'");
  });

  it('sends dates with their offset, objects as JSON, arrays as array literals and buffers as bytea hex', () => {
    expect(sqlLiteral(new Date('2026-01-02T03:04:05.678Z'))).toMatch(/^'2026-01-0\dT\d\d:\d\d:05\.678[+-]\d\d:\d\d'$/);
    expect(sqlLiteral({ a: "b'c" })).toBe(`'{"a":"b''c"}'`);
    expect(sqlLiteral([1, 'x', null])).toBe(`'{"1","x",NULL}'`);
    expect(sqlLiteral(Buffer.from([0xde, 0xad]))).toBe("'\\xdead'");
  });
});

describe("escapeLiteral: node-postgres's output, without its per-character appends", () => {
  it.each(["plain", "it's", 'a\\b', "'\\'", '\\', "''", '', 'ünïcödé \u{1F600} \n\t', '{"a":"b\\"c","d":"it\'s"}'])('%j', (text) => {
    expect(escapeLiteral(text)).toBe(pg.escapeLiteral(text));
  });

  it('a large JSON payload', () => {
    const payload = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: `it's-${i}`, path: `C:\\dir\\${i}`, note: 'ok' })));
    expect(escapeLiteral(payload)).toBe(pg.escapeLiteral(payload));
  });
});

describe('inlineParams', () => {
  it('replaces each $n, $10 after $1 included, and leaves quoted text and identifiers alone', () => {
    const params = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(inlineParams({ text: 'SELECT $1, $10, \'$2\', "$3" FROM t WHERE a = $2', params })).toBe(
      `SELECT '1', '10', '$2', "$3" FROM t WHERE a = '2'`,
    );
  });

  it('leaves a statement without parameters as it is', () => {
    expect(inlineParams({ text: "SELECT '$1'", params: [] })).toBe("SELECT '$1'");
  });

  it('refuses what it cannot inline safely', () => {
    expect(() => inlineParams({ text: 'SELECT $2', params: [1] })).toThrow('refers to $2 of 1');
    expect(() => inlineParams({ text: 'DO $$ BEGIN PERFORM $1; END $$', params: [1] })).toThrow('dollar-quoted');
    expect(() => inlineParams({ text: "SELECT 'open, $1", params: [1] })).toThrow('Unterminated');
  });
});

describe('StatementBatch', () => {
  it('records statements in order and runs none of them', async () => {
    const batch = new StatementBatch();
    expect(await batch.query('INSERT INTO t VALUES ($1)', [1])).toEqual([]);
    await batch.query('SELECT 1');
    expect(batch.statements).toEqual([
      { text: 'INSERT INTO t VALUES ($1)', params: [1] },
      { text: 'SELECT 1', params: [] },
    ]);
  });
});
