import { describe, expect, it } from '@jest/globals';
import { tokenExpired } from './token-expiry.js';

describe('tokenExpired', () => {
  const now = new Date('2026-11-21T23:59:59.000Z');
  it('a token expiring today is already expired (00:00 UTC of that date)', () => {
    expect(tokenExpired('2026-11-21', now)).toBe(true);
  });
  it('a token expiring in the past is expired, tomorrow is not', () => {
    expect(tokenExpired('2026-01-01', now)).toBe(true);
    expect(tokenExpired('2026-11-22', now)).toBe(false);
  });
  it('a token without an expiry date never expires', () => {
    expect(tokenExpired(null, now)).toBe(false);
  });
});
