import { describe, it, expect } from '@jest/globals';
import type { EventMetadata, StoredEvent } from '@app/kernel';
import { upcastTokenCreatedV1 } from '../domain/personal-access-token/personal-access-token-created-v1.upcaster.js';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from '../domain/personal-access-token/personal-access-token.events.js';
import { CREDENTIALS_AUDIT_MAPPING } from './credentials.audit-mapping.js';

const OCCURRED_AT = new Date('2026-11-21T12:00:00.000Z');
const META: EventMetadata = {
  actor_id: 1,
  actor_username: 'root',
  impersonator_id: null,
  ip: '10.0.0.5',
  user_agent: null,
  request_id: 'req-1',
  correlation_id: 'req-1',
  causation_id: null,
};

function stored(data: PersonalAccessTokenCreatedData, schemaVersion = 2): StoredEvent {
  return {
    type: PERSONAL_ACCESS_TOKEN_CREATED,
    schemaVersion,
    data,
    globalPosition: 3,
    transactionId: '7',
    eventId: '0b4f3c1e-0000-4000-8000-000000000002',
    streamId: 'credentials.user-42',
    streamVersion: 1,
    metadata: META,
    occurredAt: OCCURRED_AT,
  };
}

const token: PersonalAccessTokenCreatedData = {
  id: 9,
  user_id: 42,
  username: 'jdoe',
  name: 'ci',
  description: null,
  scopes: ['api'],
  expires_at: '2027-11-21',
  token_digest: 'DIGEST-SHOULD-NOT-LEAK',
  created_at: OCCURRED_AT.toISOString(),
};

describe('credentials audit mapping', () => {
  it('given personal_access_token_created, then one entry naming the token and its owner by username, never the digest', () => {
    const entries = CREDENTIALS_AUDIT_MAPPING.entriesFor(stored(token));

    expect(entries).toEqual([
      {
        entity_id: 42,
        event_name: 'personal_access_token_created',
        target_details: 'jdoe',
        details: {
          custom_message: 'Created personal access token with id 9',
          token_id: 9,
          token_name: 'ci',
          token_scopes: ['api'],
          token_expires_at: '2027-11-21',
        },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain('DIGEST-SHOULD-NOT-LEAK');
  });

  it('given a v1 event read through its upcaster (no username recorded), then the target stays user-<id>', () => {
    const { username: _username, ...v1 } = token;
    const [entry] = CREDENTIALS_AUDIT_MAPPING.entriesFor(stored(upcastTokenCreatedV1(v1)));

    expect(entry.target_details).toBe('user-42');
    expect(entry.details).toMatchObject({ token_id: 9, token_name: 'ci' });
  });

  it('given another event type, then no entries; the audited types are the token event alone', () => {
    expect(CREDENTIALS_AUDIT_MAPPING.entriesFor({ ...stored(token), type: 'identity.user_created' })).toEqual([]);
    expect(CREDENTIALS_AUDIT_MAPPING.eventTypes).toEqual([PERSONAL_ACCESS_TOKEN_CREATED]);
  });
});
