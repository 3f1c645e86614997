import { describe, it, expect } from '@jest/globals';
import type { EventMetadata, StoredEvent } from '@app/eventstore';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from '@app/credentials';
import { USER_CREATED, USER_DELETED, USER_UPDATED, type UserCreatedData, type UserDeletedData, type UserUpdatedData } from '@app/identity';
import { CUSTOM_ATTRIBUTE_CREATED, CUSTOM_ATTRIBUTE_DELETED, CUSTOM_ATTRIBUTE_UPDATED } from '@app/identity';
import { USER_IDENTITY_REMOVED, type UserIdentityRemovedData } from '@app/identity';
import { auditEventsFor, AUDITED_EVENT_TYPES } from './audit-event.mapper.js';

const OCCURRED_AT = new Date('2026-11-21T12:00:00.000Z');

const ADMIN_META: EventMetadata = {
  actor_id: 1,
  actor_username: 'root',
  impersonator_id: null,
  ip: '10.0.0.5',
  user_agent: 'curl/8',
  request_id: 'req-123',
  correlation_id: 'req-123',
  causation_id: null,
};

function stored<T>(type: string, data: T, metadata: Partial<EventMetadata> = {}): StoredEvent {
  return {
    type,
    schemaVersion: 1,
    data,
    globalPosition: 10,
    transactionId: '99',
    eventId: '0b4f3c1e-0000-4000-8000-000000000001',
    streamId: 'identity.user-42',
    streamVersion: 2,
    metadata: { ...ADMIN_META, ...metadata },
    occurredAt: OCCURRED_AT,
  };
}

function updated(changes: Record<string, unknown>, previous: Record<string, unknown>, extra: Partial<UserUpdatedData> = {}): UserUpdatedData {
  return {
    id: 42,
    username: 'jdoe',
    changes,
    previous,
    password_changed: false,
    password_expires_at: null,
    updated_at: OCCURRED_AT.toISOString(),
    ...extra,
  } as UserUpdatedData;
}

const created = { id: 42, username: 'jdoe', email: 'jdoe@example.com', name: 'John Doe' } as UserCreatedData;

describe('auditEventsFor', () => {
  it('given user_created by an admin, then one user_created row in GitLab\'s shape', () => {
    const rows = auditEventsFor(stored(USER_CREATED, created));

    expect(rows).toEqual([
      {
        author_id: 1,
        entity_id: 42,
        entity_type: 'User',
        event_name: 'user_created',
        created_at: OCCURRED_AT,
        source_event_id: '0b4f3c1e-0000-4000-8000-000000000001',
        details: {
          event_name: 'user_created',
          author_name: 'root',
          author_class: 'User',
          target_id: 42,
          target_type: 'User',
          target_details: 'jdoe',
          add: 'user',
          custom_message: 'User jdoe created',
          ip_address: '10.0.0.5',
          entity_path: 'jdoe',
          request_id: 'req-123',
        },
      },
    ]);
  });

  it('given the same event twice, then the same rows (idempotent redelivery)', () => {
    const event = stored(USER_CREATED, created);
    expect(auditEventsFor(event)).toEqual(auditEventsFor(event));
  });

  it('given a system event (no actor), then author -1, "(System)" and the unauthenticated author class', () => {
    const [row] = auditEventsFor(stored(USER_CREATED, created, { actor_id: null, actor_username: null }));

    expect(row.author_id).toBe(-1);
    expect(row.details).toMatchObject({ author_name: '(System)', author_class: 'Gitlab::Audit::UnauthenticatedAuthor' });
  });

  it('given an impersonated request, then impersonated_by_id is in the details', () => {
    const [row] = auditEventsFor(stored(USER_CREATED, created, { actor_id: 7, actor_username: 'alice', impersonator_id: 1 }));

    expect(row.author_id).toBe(7);
    expect(row.details).toMatchObject({ author_name: 'alice', impersonated_by_id: 1 });
  });

  it("given the actor's display name in the metadata, then it is the author_name (GitLab shows author.name)", () => {
    const [row] = auditEventsFor(stored(USER_CREATED, created, { actor_id: 7, actor_username: 'alice', actor_name: 'Alice Liddell' }));

    expect(row.details).toMatchObject({ author_name: 'Alice Liddell' });
  });

  it('given no impersonator, then the details have no impersonated_by_id key', () => {
    const [row] = auditEventsFor(stored(USER_CREATED, created));
    expect(row.details).not.toHaveProperty('impersonated_by_id');
  });

  it('given user_deleted (soft), then one user_destroyed row', () => {
    const data: UserDeletedData = { id: 42, username: 'jdoe', hard_delete: false, ghost_user_id: 3, deleted_at: OCCURRED_AT.toISOString() };
    const rows = auditEventsFor(stored(USER_DELETED, data));

    expect(rows).toHaveLength(1);
    expect(rows[0].event_name).toBe('user_destroyed');
    expect(rows[0].details).toMatchObject({ remove: 'user', custom_message: 'User jdoe deleted', target_details: 'jdoe' });
  });

  it('given user_deleted (hard), then the message says so', () => {
    const data: UserDeletedData = { id: 42, username: 'jdoe', hard_delete: true, ghost_user_id: null, deleted_at: OCCURRED_AT.toISOString() };

    expect(auditEventsFor(stored(USER_DELETED, data))[0].details.custom_message).toBe('User jdoe deleted with hard delete');
  });

  describe('user_updated', () => {
    it.each([
      ['email', 'old@example.com', 'new@example.com', 'user_email_address_updated'],
      ['unconfirmed_email', null, 'new@example.com', 'user_email_address_updated'],
      ['username', 'jdoe', 'jdoe2', 'user_username_updated'],
      ['name', 'John', 'Johnny', 'user_name_updated'],
      ['admin', false, true, 'user_admin_status_updated'],
    ])('given a change of %s, then a named %s row with from/to', (attribute, from, to, eventName) => {
      const rows = auditEventsFor(stored(USER_UPDATED, updated({ [attribute]: to }, { [attribute]: from })));

      expect(rows).toHaveLength(1);
      expect(rows[0].event_name).toBe(eventName);
      expect(rows[0].details).toMatchObject({
        event_name: eventName,
        change: attribute,
        from: String(from ?? ''),
        to: String(to),
        custom_message: `Changed ${attribute} from ${from ?? ''} to ${to}`,
      });
    });

    it('given the password changed, then a user_password_updated row that holds no secret', () => {
      const data = updated({}, {}, { password_changed: true, password_expires_at: OCCURRED_AT.toISOString() });
      const rows = auditEventsFor(stored(USER_UPDATED, data));

      expect(rows.map((row) => row.event_name)).toEqual(['user_password_updated']);
      expect(rows[0].details).toMatchObject({ change: 'password', custom_message: 'Password changed' });
      expect(rows[0].details).not.toHaveProperty('from');
      expect(rows[0].details).not.toHaveProperty('to');
      expect(JSON.stringify(rows)).not.toMatch(/password_hash|encrypted_password|\$argon2/);
    });

    it('given other attributes changed, then one user_settings_updated row listing them with from/to', () => {
      const rows = auditEventsFor(stored(USER_UPDATED, updated({ bio: 'new', theme_id: 2 }, { bio: 'old', theme_id: 3 })));

      expect(rows).toHaveLength(1);
      expect(rows[0].event_name).toBe('user_settings_updated');
      expect(rows[0].details).toMatchObject({
        changes: { bio: { from: 'old', to: 'new' }, theme_id: { from: 3, to: 2 } },
        custom_message: 'Changed bio, theme_id',
      });
    });

    it('given identities changed, then they appear among the settings changes', () => {
      const identities = [{ provider: 'github', extern_uid: '1' }];
      const [row] = auditEventsFor(stored(USER_UPDATED, updated({}, {}, { identities })));

      expect(row.event_name).toBe('user_settings_updated');
      expect(row.details.changes).toEqual({ identities: { from: null, to: identities } });
    });

    it('given a mixed update, then one row per named change, the password row, then the settings row', () => {
      const data = updated(
        { email: 'new@example.com', username: 'jdoe2', bio: 'b', external: true },
        { email: 'old@example.com', username: 'jdoe', bio: '', external: false },
        { username: 'jdoe2', password_changed: true },
      );
      const rows = auditEventsFor(stored(USER_UPDATED, data));

      expect(rows.map((row) => row.event_name)).toEqual([
        'user_email_address_updated',
        'user_username_updated',
        'user_password_updated',
        'user_settings_updated',
      ]);
      expect(rows.every((row) => row.entity_id === 42 && row.details.target_details === 'jdoe2')).toBe(true);
      expect(rows[3].details.changes).toEqual({ bio: { from: '', to: 'b' }, external: { from: false, to: true } });
    });

    it('given email and unconfirmed_email both changed, then a single email row (the first one)', () => {
      const rows = auditEventsFor(
        stored(USER_UPDATED, updated({ email: 'new@example.com', unconfirmed_email: null }, { email: 'old@example.com', unconfirmed_email: 'new@example.com' })),
      );

      expect(rows).toHaveLength(1);
      expect(rows[0].details).toMatchObject({ change: 'email', to: 'new@example.com' });
    });

    it('given nothing audited changed, then no rows', () => {
      expect(auditEventsFor(stored(USER_UPDATED, updated({}, {})))).toEqual([]);
    });
  });

  it('given personal_access_token_created, then one row naming the token but never its digest', () => {
    const data: PersonalAccessTokenCreatedData = {
      id: 9,
      user_id: 42,
      name: 'ci',
      description: null,
      scopes: ['api'],
      expires_at: '2027-11-21',
      token_digest: 'DIGEST-SHOULD-NOT-LEAK',
      created_at: OCCURRED_AT.toISOString(),
    };
    const rows = auditEventsFor(stored(PERSONAL_ACCESS_TOKEN_CREATED, data));

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ author_id: 1, entity_id: 42, event_name: 'personal_access_token_created' });
    expect(rows[0].details).toMatchObject({
      target_id: 42,
      target_details: 'user-42',
      custom_message: 'Created personal access token with id 9',
      token_id: 9,
      token_name: 'ci',
      token_scopes: ['api'],
      token_expires_at: '2027-11-21',
    });
    expect(JSON.stringify(rows)).not.toContain('DIGEST-SHOULD-NOT-LEAK');
  });

  it('given user_identity_removed, then one user_identity_removed row naming the provider and uid', () => {
    const data: UserIdentityRemovedData = { id: 42, username: 'jdoe', provider: 'github', extern_uid: 'gh-77', removed_at: OCCURRED_AT.toISOString() };
    const rows = auditEventsFor(stored(USER_IDENTITY_REMOVED, data));

    expect(rows).toEqual([
      {
        author_id: 1,
        entity_id: 42,
        entity_type: 'User',
        event_name: 'user_identity_removed',
        created_at: OCCURRED_AT,
        source_event_id: '0b4f3c1e-0000-4000-8000-000000000001',
        details: {
          event_name: 'user_identity_removed',
          author_name: 'root',
          author_class: 'User',
          target_id: 42,
          target_type: 'User',
          target_details: 'jdoe',
          remove: 'identity',
          provider: 'github',
          extern_uid: 'gh-77',
          custom_message: 'Removed github identity gh-77',
          ip_address: '10.0.0.5',
          entity_path: 'jdoe',
          request_id: 'req-123',
        },
      },
    ]);
  });

  it('given an event type it does not audit, then no rows', () => {
    expect(auditEventsFor(stored('social.user_followed', { id: 1 }))).toEqual([]);
  });

  describe('custom attributes', () => {
    const common = { author_id: 1, entity_id: 42, entity_type: 'User', created_at: OCCURRED_AT, source_event_id: '0b4f3c1e-0000-4000-8000-000000000001' };
    const details = { author_name: 'root', author_class: 'User', target_id: 42, target_type: 'User', target_details: 'user-42', ip_address: '10.0.0.5', entity_path: 'user-42', request_id: 'req-123' };

    it('given custom_attribute_created, then one custom_attribute_created row with the key and value', () => {
      const rows = auditEventsFor(stored(CUSTOM_ATTRIBUTE_CREATED, { user_id: 42, key: 'team', value: 'platform', created_at: OCCURRED_AT.toISOString() }));
      expect(rows).toEqual([
        {
          ...common,
          event_name: 'custom_attribute_created',
          details: { event_name: 'custom_attribute_created', ...details, add: 'custom_attribute', custom_attribute_key: 'team', to: 'platform', custom_message: 'Created custom attribute team' },
        },
      ]);
    });

    it('given custom_attribute_updated, then one custom_attribute_updated row with from and to', () => {
      const rows = auditEventsFor(
        stored(CUSTOM_ATTRIBUTE_UPDATED, { user_id: 42, key: 'team', value: 'infra', previous_value: 'platform', updated_at: OCCURRED_AT.toISOString() }),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].event_name).toBe('custom_attribute_updated');
      expect(rows[0].details).toMatchObject({ change: 'custom_attribute', custom_attribute_key: 'team', from: 'platform', to: 'infra', custom_message: 'Changed custom attribute team from platform to infra' });
    });

    it('given custom_attribute_deleted, then one custom_attribute_destroyed row', () => {
      const rows = auditEventsFor(stored(CUSTOM_ATTRIBUTE_DELETED, { user_id: 42, key: 'team', previous_value: 'infra', deleted_at: OCCURRED_AT.toISOString() }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ...common, event_name: 'custom_attribute_destroyed' });
      expect(rows[0].details).toMatchObject({ remove: 'custom_attribute', custom_attribute_key: 'team', from: 'infra', custom_message: 'Removed custom attribute team' });
    });
  });

  it('then the audited types are exactly the ones handled above', () => {
    expect([...AUDITED_EVENT_TYPES].sort()).toEqual(
      [PERSONAL_ACCESS_TOKEN_CREATED, USER_CREATED, USER_DELETED, USER_UPDATED, USER_IDENTITY_REMOVED, CUSTOM_ATTRIBUTE_CREATED, CUSTOM_ATTRIBUTE_UPDATED, CUSTOM_ATTRIBUTE_DELETED].sort(),
    );
  });
});
