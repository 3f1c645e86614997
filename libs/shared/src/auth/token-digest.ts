import { createHash, randomBytes } from 'node:crypto';

export const PERSONAL_ACCESS_TOKEN_PREFIX = 'glpat-';

/** Tokens are stored only as this digest; the plain value is shown once, at creation. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generatePersonalAccessToken(): string {
  // 20 URL-safe characters, as GitLab's Devise.friendly_token, from 15 random bytes.
  return PERSONAL_ACCESS_TOKEN_PREFIX + randomBytes(15).toString('base64url');
}
