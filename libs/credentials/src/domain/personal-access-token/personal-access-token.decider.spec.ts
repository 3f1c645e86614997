import { describe, it, expect } from '@jest/globals';
import { UnprocessableError } from '@app/shared';
import { AVAILABLE_SCOPES, decideCreateToken, MAX_TOKEN_LIFETIME_DAYS, type CreatePersonalAccessToken } from './personal-access-token.decider.js';
import { credentialsStreamId, PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from './personal-access-token.events.js';

const NOW = new Date('2026-11-21T21:38:43.000Z');
const TODAY = '2026-11-21';
const MAX_DATE = '2027-11-21'; // today + 365 days
const DIGEST = 'c2hhMjU2LWRpZ2VzdC1vZi10aGUtdG9rZW4=';
const PLAIN_TOKEN = 'glpat-abcdefghij0123456789';

function command(overrides: Partial<CreatePersonalAccessToken> = {}): CreatePersonalAccessToken {
  return { id: 5, userId: 42, username: 'jdoe', name: 'ci token', description: null, scopes: ['api'], expiresAt: null, tokenDigest: DIGEST, ...overrides };
}

function created(overrides: Partial<CreatePersonalAccessToken> = {}, now = NOW): PersonalAccessTokenCreatedData {
  const events = decideCreateToken(command(overrides), now);
  expect(events).toHaveLength(1);
  expect(events[0].type).toBe(PERSONAL_ACCESS_TOKEN_CREATED);
  expect(events[0].schemaVersion).toBe(2);
  return events[0].data as PersonalAccessTokenCreatedData;
}

function refusal(overrides: Partial<CreatePersonalAccessToken>, now = NOW): UnprocessableError {
  try {
    decideCreateToken(command(overrides), now);
  } catch (error) {
    expect(error).toBeInstanceOf(UnprocessableError);
    const refused = error as UnprocessableError;
    expect(refused.code).toBe('credentials.token_invalid');
    expect(refused.kind).toBe('unprocessable');
    return refused;
  }
  throw new Error('expected decideCreateToken to throw');
}

describe('decideCreateToken', () => {
  it('given a valid command, then personal_access_token_created carries the token attributes', () => {
    expect(created({ description: 'for CI', scopes: ['api', 'read_user'] })).toEqual({
      id: 5,
      user_id: 42,
      username: 'jdoe',
      name: 'ci token',
      description: 'for CI',
      scopes: ['api', 'read_user'],
      expires_at: MAX_DATE,
      token_digest: DIGEST,
      created_at: NOW.toISOString(),
    });
  });

  describe('expiry', () => {
    it('when expires_at is omitted, then it defaults to today + 365 days', () => {
      expect(MAX_TOKEN_LIFETIME_DAYS).toBe(365);
      expect(created({ expiresAt: null }).expires_at).toBe(MAX_DATE);
    });

    it('when the default crosses a leap day, then it is still 365 calendar days later', () => {
      expect(created({ expiresAt: null }, new Date('2027-06-01T00:00:00.000Z')).expires_at).toBe('2028-05-31');
    });

    it('when now is late in the UTC day, then "today" is the UTC date', () => {
      expect(created({ expiresAt: null }, new Date('2026-12-31T23:59:59.999Z')).expires_at).toBe('2027-12-31');
    });

    it('when expires_at is "never", then the token never expires', () => {
      expect(created({ expiresAt: 'never' }).expires_at).toBeNull();
    });

    it('when expires_at is exactly the maximum date, then it is accepted', () => {
      expect(created({ expiresAt: MAX_DATE }).expires_at).toBe(MAX_DATE);
    });

    it('when expires_at is tomorrow, then it is accepted', () => {
      expect(created({ expiresAt: '2026-11-22' }).expires_at).toBe('2026-11-22');
    });

    it('when expires_at is more than 365 days away, then 422 "Expires at must be before <max date>"', () => {
      expect(refusal({ expiresAt: '2027-11-22' }).message).toBe(`Expires at must be before ${MAX_DATE}`);
    });

    // GitLab has no lower bound (reference 8.2/8.3): the token is created, already inactive.
    it('when expires_at is today, then it is accepted as given (the token is already expired)', () => {
      expect(created({ expiresAt: TODAY }).expires_at).toBe(TODAY);
    });

    it('when expires_at is in the past, then it is accepted as given', () => {
      expect(created({ expiresAt: '2016-12-28' }).expires_at).toBe('2016-12-28');
    });
  });

  describe('other model rules', () => {
    it.each(['', '   '])('when the name is %j, then 422 "Name can\'t be blank"', (name) => {
      expect(refusal({ name }).message).toBe("Name can't be blank");
    });

    it('when the name has 256 characters, then it is too long; 255 is fine', () => {
      expect(refusal({ name: 'n'.repeat(256) }).message).toBe('Name is too long (maximum is 255 characters)');
      expect(created({ name: 'n'.repeat(255) }).name).toHaveLength(255);
    });

    it('when there are no scopes, then 422 "Scopes can\'t be blank"', () => {
      expect(refusal({ scopes: [] }).message).toBe("Scopes can't be blank");
    });

    it('when the description has 256 characters, then it is too long', () => {
      expect(refusal({ description: 'd'.repeat(256) }).message).toBe('Description is too long (maximum is 255 characters)');
    });

    it('when several rules fail, then the messages are joined as one sentence with " and "', () => {
      expect(refusal({ name: '', scopes: [], expiresAt: '2030-01-01' }).message).toBe(
        `Name can't be blank and Scopes can't be blank and Expires at must be before ${MAX_DATE}`,
      );
    });
  });

  it('when scopes repeat, then they are deduplicated keeping their first order', () => {
    expect(created({ scopes: ['read_user', 'api', 'read_user', 'api'] }).scopes).toEqual(['read_user', 'api']);
  });

  it('then the event carries the digest and never a plain token', () => {
    const events = decideCreateToken(command({ tokenDigest: DIGEST }), NOW);
    const data = events[0].data as unknown as Record<string, unknown>;

    expect(data.token_digest).toBe(DIGEST);
    expect(data).not.toHaveProperty('token');
    expect(Object.keys(data).sort()).toEqual(['created_at', 'description', 'expires_at', 'id', 'name', 'scopes', 'token_digest', 'user_id', 'username']);
    expect(JSON.stringify(events)).not.toContain(PLAIN_TOKEN);
    expect(JSON.stringify(events)).not.toContain('glpat-');
  });

  it('then the command is not mutated', () => {
    const input = command({ scopes: ['api', 'api'] });
    decideCreateToken(input, NOW);
    expect(input.scopes).toEqual(['api', 'api']);
  });

  it('the available scopes include the ones GitLab lists for users', () => {
    expect(AVAILABLE_SCOPES).toEqual(expect.arrayContaining(['api', 'read_api', 'read_user', 'sudo', 'admin_mode', 'self_rotate', 'k8s_proxy']));
  });

  it('the stream id is per user', () => {
    expect(credentialsStreamId(42)).toBe('credentials.user-42');
  });
});
