import { expect } from '@jest/globals';

/** The avatar URL of a user without an uploaded avatar: their e-mail's Gravatar (SHA-256). */
export const GRAVATAR = /^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{64}\?s=80&d=identicon$/;

/** GitLab's `UserBasic` of an active user as a client receives it from the service at `serviceUrl`. */
export function expectedUserBasic(serviceUrl: string, id: number, username: string, name: string): Record<string, unknown> {
  return { id, username, name, state: 'active', locked: false, avatar_url: expect.stringMatching(GRAVATAR), web_url: `${serviceUrl}/${username}` };
}
