import { describe, it, expect } from '@jest/globals';
import type { EventMetadata, StoredEvent } from '@app/kernel';
import { upcastTokenCreatedV1 } from '../domain/personal-access-token/personal-access-token-created-v1.upcaster.js';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from '../domain/personal-access-token/personal-access-token.events.js';
import { SSH_KEY_ADDED, SSH_KEY_DELETED, type SshKeyAddedData } from '../domain/ssh-key/ssh-key.events.js';
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

  it('given another event type, then no entries', () => {
    expect(CREDENTIALS_AUDIT_MAPPING.entriesFor({ ...stored(token), type: 'identity.user_created' })).toEqual([]);
  });

  it('given an SSH key added and deleted, then add_ssh_key and remove_ssh_key rows naming the key by title and fingerprint, never by its text', () => {
    const key: SshKeyAddedData = {
      id: 3, user_id: 42, username: 'jdoe', title: 'laptop', key: 'ssh-ed25519 AAAAC3NzaBLOB me', key_type: 'ed25519', bits: 256,
      fingerprint_md5: 'aa:bb', fingerprint_sha256: 'FpSha', usage_type: 'auth', expires_at: null, created_at: OCCURRED_AT.toISOString(),
    };
    const [addedRow] = CREDENTIALS_AUDIT_MAPPING.entriesFor({ ...stored(token), type: SSH_KEY_ADDED, schemaVersion: 1, data: key });
    expect(addedRow).toEqual({
      entity_id: 42,
      event_name: 'add_ssh_key',
      target_details: 'jdoe',
      details: {
        custom_message: 'Added SSH key "laptop" (ED25519 256 bits, SHA256:FpSha) for jdoe',
        key_id: 3, key_title: 'laptop', fingerprint_sha256: 'FpSha', usage_type: 'auth', expires_at: null,
      },
    });
    expect(JSON.stringify(addedRow)).not.toContain('BLOB');
    const deleted = { id: 3, user_id: 42, username: 'jdoe', title: 'laptop', fingerprint_sha256: 'FpSha', deleted_at: OCCURRED_AT.toISOString() };
    expect(CREDENTIALS_AUDIT_MAPPING.entriesFor({ ...stored(token), type: SSH_KEY_DELETED, schemaVersion: 1, data: deleted })[0]).toMatchObject({
      event_name: 'remove_ssh_key',
      details: { custom_message: 'Removed SSH key "laptop" (SHA256:FpSha) of jdoe' },
    });
    expect(CREDENTIALS_AUDIT_MAPPING.eventTypes).toEqual(expect.arrayContaining([PERSONAL_ACCESS_TOKEN_CREATED, SSH_KEY_ADDED, SSH_KEY_DELETED]));
  });
});
