import { describe, it, expect } from '@jest/globals';
import type { EventMetadata, StoredEvent } from '@app/kernel';
import {
  CUSTOM_ATTRIBUTE_CREATED,
  CUSTOM_ATTRIBUTE_DELETED,
  CUSTOM_ATTRIBUTE_UPDATED,
} from '../domain/custom-attribute/custom-attribute.events.js';
import { splitUserUpdatedV1, type UserUpdatedV1Data } from '../domain/user/user-updated-v1.upcaster.js';
import {
  USER_ADMIN_CHANGED,
  USER_AVATAR_CHANGED,
  USER_CREATED,
  USER_DELETED,
  USER_EMAIL_CHANGED,
  USER_IDENTITY_REMOVED,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type UserCreatedData,
  type UserDeletedData,
  type UserEmailChangedData,
  type UserIdentityRemovedData,
  type UserProfileUpdatedData,
} from '../domain/user/user.events.js';
import { IDENTITY_AUDIT_MAPPING } from './identity.audit-mapping.js';

const OCCURRED_AT = new Date('2026-11-21T12:00:00.000Z');
const META: EventMetadata = {
  actor_id: 1,
  actor_username: 'root',
  impersonator_id: null,
  ip: '10.0.0.5',
  user_agent: 'curl/8',
  request_id: 'req-123',
  correlation_id: 'req-123',
  causation_id: null,
};

function stored(type: string, data: unknown): StoredEvent {
  return {
    type,
    schemaVersion: 1,
    data,
    globalPosition: 10,
    transactionId: '99',
    eventId: '0b4f3c1e-0000-4000-8000-000000000001',
    streamId: 'identity.user-42',
    streamVersion: 2,
    metadata: META,
    occurredAt: OCCURRED_AT,
  };
}

const entriesFor = (type: string, data: unknown) => IDENTITY_AUDIT_MAPPING.entriesFor(stored(type, data));
const change = { id: 42, username: 'jdoe', updated_at: OCCURRED_AT.toISOString() };
const created = { id: 42, username: 'jdoe', email: 'jdoe@example.com', name: 'John Doe' } as UserCreatedData;

describe('identity audit mapping', () => {
  it('given user_created, then one user_created entry naming the user', () => {
    expect(entriesFor(USER_CREATED, created)).toEqual([
      { entity_id: 42, event_name: 'user_created', target_details: 'jdoe', details: { add: 'user', custom_message: 'User jdoe created' } },
    ]);
  });

  it('given the same event twice, then the same entries (idempotent redelivery)', () => {
    const event = stored(USER_CREATED, created);
    expect(IDENTITY_AUDIT_MAPPING.entriesFor(event)).toEqual(IDENTITY_AUDIT_MAPPING.entriesFor(event));
  });

  it('given user_deleted (soft), then one user_destroyed entry', () => {
    const data: UserDeletedData = { id: 42, username: 'jdoe', hard_delete: false, ghost_user_id: 3, deleted_at: OCCURRED_AT.toISOString() };
    expect(entriesFor(USER_DELETED, data)).toEqual([
      { entity_id: 42, event_name: 'user_destroyed', target_details: 'jdoe', details: { remove: 'user', custom_message: 'User jdoe deleted' } },
    ]);
  });

  it('given user_deleted (hard), then the message says so', () => {
    const data: UserDeletedData = { id: 42, username: 'jdoe', hard_delete: true, ghost_user_id: null, deleted_at: OCCURRED_AT.toISOString() };
    expect(entriesFor(USER_DELETED, data)[0].details.custom_message).toBe('User jdoe deleted with hard delete');
  });

  describe('changes audited under a name of their own', () => {
    it.each([
      [USER_USERNAME_CHANGED, { ...change, username: 'jdoe2', from: 'jdoe', to: 'jdoe2' }, 'user_username_updated', 'username', 'jdoe', 'jdoe2', 'jdoe2'],
      [USER_NAME_CHANGED, { ...change, from: 'John', to: 'Johnny' }, 'user_name_updated', 'name', 'John', 'Johnny', 'jdoe'],
      [USER_ADMIN_CHANGED, { ...change, from: false, to: true }, 'user_admin_status_updated', 'admin', 'false', 'true', 'jdoe'],
    ])('given %s, then a %s entry with from/to as text', (type, data, eventName, attribute, from, to, target) => {
      expect(entriesFor(type, data)).toEqual([
        {
          entity_id: 42,
          event_name: eventName,
          target_details: target,
          details: { change: attribute, from, to, custom_message: `Changed ${attribute} from ${from} to ${to}` },
        },
      ]);
    });

    it('given an email change awaiting confirmation, then user_email_address_updated names unconfirmed_email, from "" (no pending address)', () => {
      const data: UserEmailChangedData = { ...change, email: null, unconfirmed_email: { from: null, to: 'new@example.com' } };
      expect(entriesFor(USER_EMAIL_CHANGED, data)).toEqual([
        {
          entity_id: 42,
          event_name: 'user_email_address_updated',
          target_details: 'jdoe',
          details: { change: 'unconfirmed_email', from: '', to: 'new@example.com', custom_message: 'Changed unconfirmed_email from  to new@example.com' },
        },
      ]);
    });

    it('given a confirmed email change that also clears a pending address, then a single row about email', () => {
      const data: UserEmailChangedData = {
        ...change,
        email: { from: 'old@example.com', to: 'new@example.com' },
        unconfirmed_email: { from: 'new@example.com', to: null },
      };
      const entries = entriesFor(USER_EMAIL_CHANGED, data);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        event_name: 'user_email_address_updated',
        details: { change: 'email', from: 'old@example.com', to: 'new@example.com', custom_message: 'Changed email from old@example.com to new@example.com' },
      });
    });

    it('given the password changed, then a user_password_updated entry that holds no secret and no from/to', () => {
      const entries = entriesFor(USER_PASSWORD_CHANGED, { ...change, password_expires_at: OCCURRED_AT.toISOString() });
      expect(entries).toEqual([
        { entity_id: 42, event_name: 'user_password_updated', target_details: 'jdoe', details: { change: 'password', custom_message: 'Password changed' } },
      ]);
    });
  });

  describe('user_profile_updated: one user_settings_updated entry', () => {
    it('lists the changed settings with from/to', () => {
      const data: UserProfileUpdatedData = { ...change, changes: { bio: { from: 'old', to: 'new' }, theme_id: { from: 3, to: 2 } }, identities: null };
      expect(entriesFor(USER_PROFILE_UPDATED, data)).toEqual([
        {
          entity_id: 42,
          event_name: 'user_settings_updated',
          target_details: 'jdoe',
          details: { changes: { bio: { from: 'old', to: 'new' }, theme_id: { from: 3, to: 2 } }, custom_message: 'Changed bio, theme_id' },
        },
      ]);
    });

    it('names the settings shortest first, then by bytes, as rows read back from jsonb always did, whatever the payload order', () => {
      const data: UserProfileUpdatedData = {
        ...change,
        changes: { website_url: { from: '', to: 'https://x' }, note: { from: null, to: 'n' }, bio: { from: '', to: 'b' } },
        identities: null,
      };
      expect(entriesFor(USER_PROFILE_UPDATED, data)[0].details.custom_message).toBe('Changed bio, note, website_url');
    });

    it('lists linked identities last, from null', () => {
      const identities = [{ provider: 'github', extern_uid: '1' }];
      const [entry] = entriesFor(USER_PROFILE_UPDATED, { ...change, changes: { bio: { from: '', to: 'b' } }, identities });
      expect(entry.details).toEqual({ changes: { bio: { from: '', to: 'b' }, identities: { from: null, to: identities } }, custom_message: 'Changed bio, identities' });
    });

    it('includes the preference-only flags (PUT /user/preferences)', () => {
      const [entry] = entriesFor(USER_PROFILE_UPDATED, { ...change, changes: { show_whitespace_in_diffs: { from: true, to: false } }, identities: null });
      expect(entry.details).toEqual({ changes: { show_whitespace_in_diffs: { from: true, to: false } }, custom_message: 'Changed show_whitespace_in_diffs' });
    });
  });

  it('given a new avatar, then no entry (GitLab does not audit it) and the type is not audited', () => {
    expect(entriesFor(USER_AVATAR_CHANGED, { ...change, avatar: { filename: 'a.png', path: '/a.png', sha256: 'x' } })).toEqual([]);
    expect(IDENTITY_AUDIT_MAPPING.eventTypes).not.toContain(USER_AVATAR_CHANGED);
  });

  it('given a stored v1 update read through its upcaster, then one entry per named change, the password, then the settings', () => {
    const v1: UserUpdatedV1Data = {
      id: 42,
      username: 'jdoe2',
      changes: { email: 'new@example.com', username: 'jdoe2', bio: 'b', external: true },
      previous: { email: 'old@example.com', username: 'jdoe', bio: '', external: false },
      password_changed: true,
      password_expires_at: null,
      updated_at: OCCURRED_AT.toISOString(),
    };
    const entries = splitUserUpdatedV1(v1).flatMap((event) => IDENTITY_AUDIT_MAPPING.entriesFor(stored(event.type, event.data)));

    expect(entries.map((entry) => entry.event_name)).toEqual([
      'user_email_address_updated',
      'user_username_updated',
      'user_password_updated',
      'user_settings_updated',
    ]);
    expect(entries.every((entry) => entry.entity_id === 42 && entry.target_details === 'jdoe2')).toBe(true);
    expect(entries[3].details.changes).toEqual({ bio: { from: '', to: 'b' }, external: { from: false, to: true } });
  });

  it('given user_identity_removed, then one entry naming the provider and uid', () => {
    const data: UserIdentityRemovedData = { id: 42, username: 'jdoe', provider: 'github', extern_uid: 'gh-77', removed_at: OCCURRED_AT.toISOString() };
    expect(entriesFor(USER_IDENTITY_REMOVED, data)).toEqual([
      {
        entity_id: 42,
        event_name: 'user_identity_removed',
        target_details: 'jdoe',
        details: { remove: 'identity', provider: 'github', extern_uid: 'gh-77', custom_message: 'Removed github identity gh-77' },
      },
    ]);
  });

  describe('custom attributes (target user-<id>)', () => {
    it('given custom_attribute_created, then custom_attribute_created with the key and value', () => {
      expect(entriesFor(CUSTOM_ATTRIBUTE_CREATED, { user_id: 42, key: 'team', value: 'platform', created_at: OCCURRED_AT.toISOString() })).toEqual([
        {
          entity_id: 42,
          event_name: 'custom_attribute_created',
          target_details: 'user-42',
          details: { add: 'custom_attribute', custom_attribute_key: 'team', to: 'platform', custom_message: 'Created custom attribute team' },
        },
      ]);
    });

    it('given custom_attribute_updated, then custom_attribute_updated with from and to', () => {
      const data = { user_id: 42, key: 'team', value: 'infra', previous_value: 'platform', updated_at: OCCURRED_AT.toISOString() };
      expect(entriesFor(CUSTOM_ATTRIBUTE_UPDATED, data)).toEqual([
        {
          entity_id: 42,
          event_name: 'custom_attribute_updated',
          target_details: 'user-42',
          details: {
            change: 'custom_attribute',
            custom_attribute_key: 'team',
            from: 'platform',
            to: 'infra',
            custom_message: 'Changed custom attribute team from platform to infra',
          },
        },
      ]);
    });

    it('given custom_attribute_deleted, then custom_attribute_destroyed', () => {
      const data = { user_id: 42, key: 'team', previous_value: 'infra', deleted_at: OCCURRED_AT.toISOString() };
      expect(entriesFor(CUSTOM_ATTRIBUTE_DELETED, data)).toEqual([
        {
          entity_id: 42,
          event_name: 'custom_attribute_destroyed',
          target_details: 'user-42',
          details: { remove: 'custom_attribute', custom_attribute_key: 'team', from: 'infra', custom_message: 'Removed custom attribute team' },
        },
      ]);
    });
  });

  it('given an event type it does not audit, then no entries', () => {
    expect(entriesFor('social.user_followed', { id: 1 })).toEqual([]);
  });

  it('then the audited types are exactly the ones that leave entries', () => {
    expect([...IDENTITY_AUDIT_MAPPING.eventTypes].sort()).toEqual(
      [
        USER_CREATED,
        USER_NAME_CHANGED,
        USER_ADMIN_CHANGED,
        USER_EMAIL_CHANGED,
        USER_USERNAME_CHANGED,
        USER_PASSWORD_CHANGED,
        USER_PROFILE_UPDATED,
        USER_DELETED,
        USER_IDENTITY_REMOVED,
        CUSTOM_ATTRIBUTE_CREATED,
        CUSTOM_ATTRIBUTE_UPDATED,
        CUSTOM_ATTRIBUTE_DELETED,
      ].sort(),
    );
  });
});
