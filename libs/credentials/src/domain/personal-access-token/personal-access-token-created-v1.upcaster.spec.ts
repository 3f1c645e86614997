import { describe, it, expect } from '@jest/globals';
import { PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER } from './personal-access-token-created-v1.upcaster.js';
import { PERSONAL_ACCESS_TOKEN_CREATED, PERSONAL_ACCESS_TOKEN_CREATED_VERSION } from './personal-access-token.events.js';

const V1 = {
  id: 9,
  user_id: 42,
  name: 'ci',
  description: 'for CI',
  scopes: ['api', 'read_user'],
  expires_at: '2027-11-21',
  token_digest: 'c2hh',
  created_at: '2026-11-21T12:00:00.000Z',
};

describe('personal_access_token_created v1 upcaster', () => {
  it('reads v1 of the token event', () => {
    expect(PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER).toMatchObject({ eventType: PERSONAL_ACCESS_TOKEN_CREATED, fromVersion: 1, produces: [PERSONAL_ACCESS_TOKEN_CREATED] });
  });

  it('given a v1 event, then one v2 event with every v1 field and a null username', () => {
    const events = PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER.upcast({ type: PERSONAL_ACCESS_TOKEN_CREATED, schemaVersion: 1, data: V1 });

    expect(events).toEqual([{ type: PERSONAL_ACCESS_TOKEN_CREATED, schemaVersion: 2, data: { ...V1, username: null } }]);
    expect(PERSONAL_ACCESS_TOKEN_CREATED_VERSION).toBe(2);
  });

  it('does not change the stored payload it was given', () => {
    const data = { ...V1 };
    PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER.upcast({ type: PERSONAL_ACCESS_TOKEN_CREATED, schemaVersion: 1, data });
    expect(data).toEqual(V1);
  });
});
