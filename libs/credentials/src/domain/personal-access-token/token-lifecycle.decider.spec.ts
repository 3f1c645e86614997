import { describe, expect, it } from '@jest/globals';
import { BadRequestError, ModelInvalidError } from '@app/kernel';
import { CREDENTIALS_DECIDER, type TokenCommand } from '../credentials.deciders.js';
import { IMPERSONATION_TOKEN_CREATED, PERSONAL_ACCESS_TOKEN_CREATED, PERSONAL_ACCESS_TOKEN_REVOKED, type PersonalAccessTokenEvent } from './personal-access-token.events.js';
import type { TokensState } from './personal-access-token.decider.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const base = { userId: 7, username: 'ada', description: null, tokenDigest: 'digest' };
const given = (...commands: TokenCommand[]): { state: TokensState; events: PersonalAccessTokenEvent[] } => {
  let state = CREDENTIALS_DECIDER.initialState;
  const events: PersonalAccessTokenEvent[] = [];
  for (const command of commands) {
    for (const event of CREDENTIALS_DECIDER.decide(command, state, NOW)) {
      events.push(event);
      state = CREDENTIALS_DECIDER.evolve(state, event);
    }
  }
  return { state, events };
};
const create = (id: number, extra: Partial<TokenCommand> = {}): TokenCommand => ({ kind: 'create_token', id, name: `t${id}`, scopes: ['api'], expiresAt: null, ...base, ...extra }) as TokenCommand;
const impersonation = (id: number, extra: Record<string, unknown> = {}): TokenCommand =>
  ({ kind: 'create_impersonation_token', id, name: 'support', scopes: ['api'], expiresAt: '2026-12-20', impersonatorId: 1, ...base, ...extra }) as TokenCommand;
const refusal = (command: TokenCommand, state = CREDENTIALS_DECIDER.initialState) => {
  try {
    CREDENTIALS_DECIDER.decide(command, state, NOW);
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe('token lifecycle decider', () => {
  it('given a token, when it is revoked, then personal_access_token_revoked once; revoking again changes nothing', () => {
    const { state } = given(create(3));
    const events = CREDENTIALS_DECIDER.decide({ kind: 'revoke_token', tokenId: 3, userId: 7, username: 'ada' }, state, NOW);
    expect(events).toEqual([
      { type: PERSONAL_ACCESS_TOKEN_REVOKED, schemaVersion: 1, data: { id: 3, user_id: 7, username: 'ada', name: 't3', impersonation: false, reason: 'revoked', replaced_by_id: null, revoked_at: NOW.toISOString() } },
    ]);
    expect(CREDENTIALS_DECIDER.decide({ kind: 'revoke_token', tokenId: 3, userId: 7, username: 'ada' }, CREDENTIALS_DECIDER.evolve(state, events[0]), NOW)).toEqual([]);
  });

  it('given a token, when it is rotated, then it is revoked and a copy issued in the same decision, a week long by default', () => {
    const { state } = given(create(3, { scopes: ['read_api', 'read_user'], description: 'ci' } as Partial<TokenCommand>));
    const events = CREDENTIALS_DECIDER.decide({ kind: 'rotate_token', tokenId: 3, newId: 4, userId: 7, username: 'ada', expiresAt: null, tokenDigest: 'new-digest' }, state, NOW);
    expect(events.map((event) => event.type)).toEqual([PERSONAL_ACCESS_TOKEN_REVOKED, PERSONAL_ACCESS_TOKEN_CREATED]);
    expect(events[0].data).toMatchObject({ id: 3, reason: 'rotated', replaced_by_id: 4 });
    expect(events[1].data).toMatchObject({ id: 4, name: 't3', description: 'ci', scopes: ['read_api', 'read_user'], expires_at: '2026-12-12', token_digest: 'new-digest', rotated_from_id: 3 });
  });

  it('when a revoked token is rotated, then 400 "token already revoked"; a far expiry is a 400 sentence', () => {
    const revoked = given(create(3), { kind: 'revoke_token', tokenId: 3, userId: 7, username: 'ada' }).state;
    const error = refusal({ kind: 'rotate_token', tokenId: 3, newId: 4, userId: 7, username: 'ada', expiresAt: null, tokenDigest: 'd' }, revoked);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toBe('400 Bad request - token already revoked');
    const far = refusal({ kind: 'rotate_token', tokenId: 3, newId: 4, userId: 7, username: 'ada', expiresAt: '2030-01-01', tokenDigest: 'd' }, given(create(3)).state);
    expect((far as Error).message).toBe('400 Bad request - Expires at must be before 2027-12-05');
  });

  it('an impersonation token records its admin, keeps it through a rotation, and refuses with a 400 hash', () => {
    const { state, events } = given(impersonation(5));
    expect(events).toEqual([expect.objectContaining({ type: IMPERSONATION_TOKEN_CREATED, data: expect.objectContaining({ id: 5, impersonator_id: 1, expires_at: '2026-12-20' }) })]);
    const rotated = CREDENTIALS_DECIDER.decide({ kind: 'rotate_token', tokenId: 5, newId: 6, userId: 7, username: 'ada', expiresAt: null, tokenDigest: 'd' }, state, NOW);
    expect(rotated[1]).toMatchObject({ type: IMPERSONATION_TOKEN_CREATED, data: { id: 6, impersonator_id: 1 } });
    const error = refusal(impersonation(5, { scopes: [], expiresAt: null }));
    expect(error).toBeInstanceOf(ModelInvalidError);
    expect((error as ModelInvalidError).errors).toEqual({ scopes: ["can't be blank"], expires_at: ["can't be blank"] });
    expect((refusal(impersonation(5, { scopes: ['bogus'] })) as ModelInvalidError).errors).toEqual({ scopes: ['can only contain available scopes'] });
  });
});
