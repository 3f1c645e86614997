import { describe, it, expect } from '@jest/globals';
import type { AuditEntry, AuditMapping, EventMetadata, StoredEvent } from '@app/kernel';
import * as identity from '@app/identity/events';
import * as credentials from '@app/credentials/events';
import * as moderation from '@app/moderation/events';
import * as social from '@app/social/events';
import * as activity from '@app/activity/events';
// A co-located spec may import other contexts' files (see UNIT_TEST in .dependency-cruiser.cjs).
import { IDENTITY_AUDIT_MAPPING } from '../../../identity/src/audit/identity.audit-mapping.js';
import { CREDENTIALS_AUDIT_MAPPING } from '../../../credentials/src/audit/credentials.audit-mapping.js';
import { MODERATION_AUDIT_MAPPING } from '../../../moderation/src/audit/moderation.audit-mapping.js';
import { SOCIAL_AUDIT_MAPPING } from '../../../social/src/audit/social.audit-mapping.js';
import { ACTIVITY_AUDIT_MAPPING } from './activity.audit-mapping.js';
import { AUDIT_EVENT_NAMES } from './audit-event-names.js';

/**
 * Product requirement: every event type of every context has a human-readable `details` (who did
 * what to whom, from and to which value), never a secret. One sample per event type and variant,
 * run through the mapping of its context. A new audited type without a sample here fails the
 * coverage test, so the requirement is checked for it too.
 */

const MAPPINGS: readonly AuditMapping[] = [IDENTITY_AUDIT_MAPPING, CREDENTIALS_AUDIT_MAPPING, MODERATION_AUDIT_MAPPING, SOCIAL_AUDIT_MAPPING, ACTIVITY_AUDIT_MAPPING];

const METADATA: EventMetadata = {
  actor_id: 1,
  actor_username: 'root',
  actor_name: 'Administrator',
  impersonator_id: null,
  ip: '127.0.0.1',
  user_agent: 'test',
  request_id: 'r1',
  correlation_id: 'c1',
  causation_id: null,
};

const AT = '2026-11-21T12:00:00.000Z';

/** Distinctive values for every secret-bearing field the events have: none may reach an audit row. */
const SECRETS = {
  patDigest: 'SECRET-PAT-DIGEST-3f9a1c',
  impersonationDigest: 'SECRET-IMPERSONATION-DIGEST-7b2e4d',
  emailConfirmationDigest: 'SECRET-EMAIL-CONFIRMATION-DIGEST-c81d0e',
  runnerDigest: 'SECRET-RUNNER-TOKEN-DIGEST-a4f6b2',
} as const;

interface Sample {
  type: string;
  variant: string;
  data: unknown;
  /** The text naming whom the row is about, which custom_message must contain. */
  target: string;
  /** Set when the mapping deliberately leaves no row for this variant (with the reason). */
  noEntriesBecause?: string;
}

let position = 0;
function stored(sample: Sample): StoredEvent {
  position += 1;
  return {
    type: sample.type,
    schemaVersion: 1,
    data: sample.data,
    globalPosition: position,
    transactionId: String(1000 + position),
    eventId: `0b4f3c1e-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: `test.stream-${position}`,
    streamVersion: 1,
    metadata: METADATA,
    occurredAt: new Date(AT),
  };
}

// ---------------------------------------------------------------- identity

const profile: identity.UserProfile = {
  username: 'jdoe',
  email: 'john.doe@example.com',
  name: 'John Doe',
  admin: false,
  external: false,
  bio: 'Writes code',
  location: 'Lisbon',
  public_email: null,
  skype: '',
  linkedin: '',
  twitter: '',
  discord: '',
  website_url: '',
  organization: 'ACME',
  job_title: 'Engineer',
  pronouns: null,
  private_profile: false,
  theme_id: 1,
  color_scheme_id: 1,
  projects_limit: 100000,
  can_create_group: true,
  note: null,
  commit_email: null,
  view_diffs_file_by_file: false,
  unconfirmed_email: null,
  confirmed_at: AT,
};

const userCreated: identity.UserCreatedData = {
  ...profile,
  id: 42,
  namespace_id: 420,
  user_type: 'human',
  created_by_id: 1,
  identities: [{ provider: 'ldapmain', extern_uid: 'uid=john.doe,ou=people,dc=example,dc=com' }],
  password_reset_requested: true,
  avatar: { filename: 'avatar.png', path: '/uploads/-/system/user/avatar/42/avatar.png', sha256: 'a'.repeat(64) },
  created_at: AT,
};

const change = { id: 42, username: 'jdoe', updated_at: AT };

const IDENTITY_SAMPLES: Sample[] = [
  { type: identity.USER_CREATED, variant: 'with identity, avatar and reset link', target: 'jdoe', data: userCreated },
  {
    type: identity.USER_CREATED,
    variant: 'plain',
    target: 'jdoe',
    data: { ...userCreated, identities: [], password_reset_requested: false, avatar: undefined } satisfies identity.UserCreatedData,
  },
  { type: identity.USER_NAME_CHANGED, variant: 'name', target: 'jdoe', data: { ...change, from: 'John Doe', to: 'Johnny Doe' } satisfies identity.UserNameChangedData },
  { type: identity.USER_ADMIN_CHANGED, variant: 'granted', target: 'jdoe', data: { ...change, from: false, to: true } satisfies identity.UserAdminChangedData },
  { type: identity.USER_ADMIN_CHANGED, variant: 'revoked', target: 'jdoe', data: { ...change, from: true, to: false } satisfies identity.UserAdminChangedData },
  {
    type: identity.USER_EMAIL_CHANGED,
    variant: 'email (skip_reconfirmation)',
    target: 'jdoe',
    data: { ...change, email: { from: 'john.doe@example.com', to: 'john@example.org' }, unconfirmed_email: null } satisfies identity.UserEmailChangedData,
  },
  {
    type: identity.USER_EMAIL_CHANGED,
    variant: 'unconfirmed_email set (reconfirmation)',
    target: 'jdoe',
    data: { ...change, email: null, unconfirmed_email: { from: null, to: 'john@example.org' } } satisfies identity.UserEmailChangedData,
  },
  {
    type: identity.USER_EMAIL_CHANGED,
    variant: 'unconfirmed_email cleared',
    target: 'jdoe',
    data: { ...change, email: null, unconfirmed_email: { from: 'john@example.org', to: null } } satisfies identity.UserEmailChangedData,
  },
  {
    // skip_reconfirmation while an address was pending: email changes and the pending one is dropped.
    type: identity.USER_EMAIL_CHANGED,
    variant: 'email and pending unconfirmed_email dropped',
    target: 'jdoe',
    data: {
      ...change,
      email: { from: 'john.doe@example.com', to: 'john@example.org' },
      unconfirmed_email: { from: 'old-pending@example.net', to: null },
    } satisfies identity.UserEmailChangedData,
  },
  {
    type: identity.USER_USERNAME_CHANGED,
    variant: 'username',
    target: 'johnny',
    data: { id: 42, username: 'johnny', updated_at: AT, from: 'jdoe', to: 'johnny' } satisfies identity.UserUsernameChangedData,
  },
  {
    type: identity.USER_PASSWORD_CHANGED,
    variant: 'by an admin (expires)',
    target: 'jdoe',
    data: { ...change, password_expires_at: AT } satisfies identity.UserPasswordChangedData,
  },
  { type: identity.USER_PASSWORD_CHANGED, variant: 'by the user', target: 'jdoe', data: { ...change, password_expires_at: null } satisfies identity.UserPasswordChangedData },
  {
    type: identity.USER_PROFILE_UPDATED,
    variant: 'settings',
    target: 'jdoe',
    data: {
      ...change,
      changes: { bio: { from: 'Writes code', to: 'Reviews code' }, projects_limit: { from: 100000, to: 10 }, private_profile: { from: false, to: true } },
      identities: null,
    } satisfies identity.UserProfileUpdatedData,
  },
  {
    type: identity.USER_PROFILE_UPDATED,
    variant: 'identity linked',
    target: 'jdoe',
    data: { ...change, changes: {}, identities: [{ provider: 'github', extern_uid: '12345' }] } satisfies identity.UserProfileUpdatedData,
  },
  {
    type: identity.USER_PROFILE_UPDATED,
    variant: 'settings and identity',
    target: 'jdoe',
    data: { ...change, changes: { location: { from: 'Lisbon', to: 'Porto' } }, identities: [{ provider: 'github', extern_uid: '12345' }] } satisfies identity.UserProfileUpdatedData,
  },
  {
    type: identity.USER_PROFILE_UPDATED,
    variant: 'nothing changed',
    target: 'jdoe',
    data: { ...change, changes: {}, identities: null } satisfies identity.UserProfileUpdatedData,
    noEntriesBecause: 'settingsUpdated() returns no row when neither a setting nor the identities changed: nothing to audit',
  },
  {
    type: identity.USER_DELETED,
    variant: 'soft',
    target: 'jdoe',
    data: { id: 42, username: 'jdoe', hard_delete: false, ghost_user_id: 2, deleted_at: AT } satisfies identity.UserDeletedData,
  },
  {
    type: identity.USER_DELETED,
    variant: 'hard',
    target: 'jdoe',
    data: { id: 42, username: 'jdoe', hard_delete: true, ghost_user_id: null, deleted_at: AT } satisfies identity.UserDeletedData,
  },
  {
    type: identity.USER_IDENTITY_REMOVED,
    variant: 'ldap',
    target: 'jdoe',
    data: { id: 42, username: 'jdoe', provider: 'ldapmain', extern_uid: 'uid=john.doe,ou=people,dc=example,dc=com', removed_at: AT } satisfies identity.UserIdentityRemovedData,
  },
  // Custom attribute events carry no username: the row's target is `user-<id>`.
  {
    type: identity.CUSTOM_ATTRIBUTE_CREATED,
    variant: 'created',
    target: 'user-42',
    data: { user_id: 42, key: 'department', value: 'sales', created_at: AT } satisfies identity.CustomAttributeCreatedData,
  },
  {
    type: identity.CUSTOM_ATTRIBUTE_UPDATED,
    variant: 'updated',
    target: 'user-42',
    data: { user_id: 42, key: 'department', value: 'support', previous_value: 'sales', updated_at: AT } satisfies identity.CustomAttributeUpdatedData,
  },
  {
    type: identity.CUSTOM_ATTRIBUTE_DELETED,
    variant: 'deleted',
    target: 'user-42',
    data: { user_id: 42, key: 'department', previous_value: 'support', deleted_at: AT } satisfies identity.CustomAttributeDeletedData,
  },
];

// ---------------------------------------------------------------- credentials

const pat: credentials.PersonalAccessTokenCreatedData = {
  id: 9,
  user_id: 42,
  username: 'jdoe',
  name: 'ci',
  description: 'CI pipeline',
  scopes: ['api', 'read_user'],
  expires_at: '2027-11-21',
  token_digest: SECRETS.patDigest,
  created_at: AT,
};

const revoked: credentials.PersonalAccessTokenRevokedData = {
  id: 9,
  user_id: 42,
  username: 'jdoe',
  name: 'ci',
  impersonation: false,
  reason: 'revoked',
  replaced_by_id: null,
  revoked_at: AT,
};

const gpgRemoved: credentials.GpgKeyRemovedData = {
  id: 5,
  user_id: 42,
  username: 'jdoe',
  fingerprint: '5F3A1C2B9D8E7F60A1B2C3D4E5F60718293A4B5C',
  primary_keyid: '293A4B5C6D7E8F90',
  removed_at: AT,
};

const runner: credentials.RunnerCreatedData = {
  id: 77,
  runner_type: 'instance_type',
  description: 'shared runner',
  paused: false,
  locked: false,
  run_untagged: true,
  tag_list: ['docker', 'linux'],
  access_level: 'not_protected',
  maximum_timeout: 3600,
  maintenance_note: null,
  token_digest: SECRETS.runnerDigest,
  creator_id: 1,
  creator_username: 'root',
  created_at: AT,
};

const CREDENTIALS_SAMPLES: Sample[] = [
  { type: credentials.PERSONAL_ACCESS_TOKEN_CREATED, variant: 'with username', target: 'jdoe', data: pat },
  {
    // v1 events (upcast) have no username: the row's target is `user-<id>`.
    type: credentials.PERSONAL_ACCESS_TOKEN_CREATED,
    variant: 'v1, username unknown',
    target: 'user-42',
    data: { ...pat, username: null } satisfies credentials.PersonalAccessTokenCreatedData,
  },
  {
    type: credentials.PERSONAL_ACCESS_TOKEN_CREATED,
    variant: 'rotation successor, never expires',
    target: 'jdoe',
    data: { ...pat, id: 10, expires_at: null, rotated_from_id: 9 } satisfies credentials.PersonalAccessTokenCreatedData,
  },
  {
    type: credentials.IMPERSONATION_TOKEN_CREATED,
    variant: 'impersonation',
    target: 'jdoe',
    data: { ...pat, id: 11, name: 'support', token_digest: SECRETS.impersonationDigest, impersonator_id: 1 } satisfies credentials.ImpersonationTokenCreatedData,
  },
  { type: credentials.PERSONAL_ACCESS_TOKEN_REVOKED, variant: 'personal, revoked', target: 'jdoe', data: revoked },
  {
    type: credentials.PERSONAL_ACCESS_TOKEN_REVOKED,
    variant: 'personal, rotated',
    target: 'jdoe',
    data: { ...revoked, reason: 'rotated', replaced_by_id: 10 } satisfies credentials.PersonalAccessTokenRevokedData,
  },
  {
    type: credentials.PERSONAL_ACCESS_TOKEN_REVOKED,
    variant: 'impersonation, revoked',
    target: 'jdoe',
    data: { ...revoked, id: 11, name: 'support', impersonation: true } satisfies credentials.PersonalAccessTokenRevokedData,
  },
  {
    type: credentials.PERSONAL_ACCESS_TOKEN_REVOKED,
    variant: 'impersonation, rotated',
    target: 'jdoe',
    data: { ...revoked, id: 11, name: 'support', impersonation: true, reason: 'rotated', replaced_by_id: 12 } satisfies credentials.PersonalAccessTokenRevokedData,
  },
  {
    type: credentials.SSH_KEY_ADDED,
    variant: 'ed25519',
    target: 'jdoe',
    data: {
      id: 3,
      user_id: 42,
      username: 'jdoe',
      title: 'laptop',
      key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl john@laptop',
      key_type: 'ed25519',
      bits: 256,
      fingerprint_md5: '2e:65:6a:c8:cf:bf:b2:8b:9a:bd:6d:9f:11:5c:12:16',
      fingerprint_sha256: 'Pz3qU2WbSg7m0+VR5cvn+XwM9c6z4cqz4Bx1cRc8x9Q',
      usage_type: 'auth_and_signing',
      expires_at: null,
      created_at: AT,
    } satisfies credentials.SshKeyAddedData,
  },
  {
    type: credentials.SSH_KEY_DELETED,
    variant: 'deleted',
    target: 'jdoe',
    data: { id: 3, user_id: 42, username: 'jdoe', title: 'laptop', fingerprint_sha256: 'Pz3qU2WbSg7m0+VR5cvn+XwM9c6z4cqz4Bx1cRc8x9Q', deleted_at: AT } satisfies credentials.SshKeyDeletedData,
  },
  {
    type: credentials.GPG_KEY_ADDED,
    variant: 'with e-mails',
    target: 'jdoe',
    data: {
      id: 5,
      user_id: 42,
      username: 'jdoe',
      key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF...\n-----END PGP PUBLIC KEY BLOCK-----',
      key_sha256: 'b'.repeat(64),
      fingerprint: gpgRemoved.fingerprint,
      primary_keyid: gpgRemoved.primary_keyid,
      emails: ['john.doe@example.com'],
      subkeys: [{ keyid: '0123456789ABCDEF', fingerprint: '0123456789ABCDEF0123456789ABCDEF01234567' }],
      created_at: AT,
    } satisfies credentials.GpgKeyAddedData,
  },
  {
    type: credentials.GPG_KEY_ADDED,
    variant: 'without e-mails',
    target: 'jdoe',
    data: {
      id: 6,
      user_id: 42,
      username: 'jdoe',
      key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBG...\n-----END PGP PUBLIC KEY BLOCK-----',
      key_sha256: 'c'.repeat(64),
      fingerprint: 'AAAA1C2B9D8E7F60A1B2C3D4E5F60718293A4B5C',
      primary_keyid: '293A4B5C6D7E8F91',
      emails: [],
      subkeys: [],
      created_at: AT,
    } satisfies credentials.GpgKeyAddedData,
  },
  { type: credentials.GPG_KEY_REVOKED, variant: 'revoked', target: 'jdoe', data: gpgRemoved },
  { type: credentials.GPG_KEY_DELETED, variant: 'deleted', target: 'jdoe', data: gpgRemoved },
  {
    type: credentials.EMAIL_ADDED,
    variant: 'awaiting confirmation',
    target: 'jdoe',
    data: {
      id: 8,
      user_id: 42,
      username: 'jdoe',
      email: 'john.doe.alt@example.com',
      confirmed_at: null,
      confirmation_token_digest: SECRETS.emailConfirmationDigest,
      created_at: AT,
    } satisfies credentials.EmailAddedData,
  },
  {
    type: credentials.EMAIL_ADDED,
    variant: 'confirmed by an admin',
    target: 'jdoe',
    data: { id: 8, user_id: 42, username: 'jdoe', email: 'john.doe.alt@example.com', confirmed_at: AT, confirmation_token_digest: null, created_at: AT } satisfies credentials.EmailAddedData,
  },
  {
    type: credentials.EMAIL_CONFIRMED,
    variant: 'confirmed',
    target: 'jdoe',
    data: { id: 8, user_id: 42, username: 'jdoe', email: 'john.doe.alt@example.com', confirmed_at: AT } satisfies credentials.EmailConfirmedData,
  },
  {
    type: credentials.EMAIL_DELETED,
    variant: 'deleted',
    target: 'jdoe',
    data: { id: 8, user_id: 42, username: 'jdoe', email: 'john.doe.alt@example.com', deleted_at: AT } satisfies credentials.EmailDeletedData,
  },
  // The two-factor events carry no secret (the TOTP secret and recovery codes never enter them).
  {
    type: credentials.TWO_FACTOR_ENROLMENT_STARTED,
    variant: 'started',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', at: AT } satisfies credentials.TwoFactorChangeData,
  },
  {
    type: credentials.TWO_FACTOR_ENABLED,
    variant: 'enabled',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', at: AT, recovery_codes: 10 } satisfies credentials.TwoFactorEnabledData,
  },
  {
    type: credentials.TWO_FACTOR_DISABLED,
    variant: 'by the user',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', at: AT, by_admin: false },
  },
  {
    type: credentials.TWO_FACTOR_DISABLED,
    variant: 'by an admin',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', at: AT, by_admin: true },
  },
  // A runner row is about its creator (entity_id, target_details = creator_username).
  { type: credentials.RUNNER_CREATED, variant: 'instance', target: 'root', data: runner },
  {
    type: credentials.RUNNER_CREATED,
    variant: 'group',
    target: 'root',
    data: { ...runner, id: 78, runner_type: 'group_type', tag_list: [] } satisfies credentials.RunnerCreatedData,
  },
  {
    type: credentials.RUNNER_CREATED,
    variant: 'project',
    target: 'root',
    data: { ...runner, id: 79, runner_type: 'project_type', locked: true } satisfies credentials.RunnerCreatedData,
  },
];

// ---------------------------------------------------------------- moderation

const TRANSITIONS: Array<[moderation.ModerationAction, moderation.UserStateName, moderation.UserStateName]> = [
  ['block', 'active', 'blocked'],
  ['unblock', 'blocked', 'active'],
  ['deactivate', 'active', 'deactivated'],
  ['activate', 'deactivated', 'active'],
  ['ban', 'active', 'banned'],
  ['unban', 'banned', 'active'],
  ['request_approval', 'active', 'blocked_pending_approval'],
  ['approve', 'blocked_pending_approval', 'active'],
  ['reject', 'blocked_pending_approval', 'blocked'],
  ['ldap_block', 'active', 'ldap_blocked'],
];

const MODERATION_SAMPLES: Sample[] = [
  ...TRANSITIONS.map(([action, from, to]): Sample => ({
    type: moderation.USER_STATE_CHANGED,
    variant: `${action} (${from} → ${to})`,
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', from, to, action, reason: null, changed_at: AT } satisfies moderation.UserStateChangedData,
  })),
  {
    type: moderation.USER_STATE_CHANGED,
    variant: 'deactivate with a reason (dormancy)',
    target: 'jdoe',
    data: {
      user_id: 42,
      username: 'jdoe',
      from: 'active',
      to: 'deactivated',
      action: 'deactivate',
      reason: 'no activity for 90 days',
      changed_at: AT,
    } satisfies moderation.UserStateChangedData,
  },
  {
    type: moderation.USER_STATE_CHANGED,
    variant: 'legacy, no action',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', from: 'active', to: 'blocked', reason: null, changed_at: AT } satisfies moderation.UserStateChangedData,
  },
  {
    type: moderation.USER_REJECTED,
    variant: 'rejected',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', rejected_at: AT } satisfies moderation.UserRejectedData,
  },
];

// ---------------------------------------------------------------- social

const status: social.UserStatusValue = { emoji: 'coffee', message: 'At lunch', availability: 'busy', clear_status_at: '2026-11-21T13:00:00.000Z' };

const SOCIAL_SAMPLES: Sample[] = [
  {
    type: social.USER_FOLLOWED,
    variant: 'followed',
    target: 'jdoe',
    data: { follower_id: 7, followee_id: 42, follower_username: 'alice', followee_username: 'jdoe', followed_at: AT } satisfies social.UserFollowedData,
  },
  {
    type: social.USER_UNFOLLOWED,
    variant: 'unfollowed',
    target: 'jdoe',
    data: { follower_id: 7, followee_id: 42, follower_username: 'alice', followee_username: 'jdoe', unfollowed_at: AT } satisfies social.UserUnfollowedData,
  },
  {
    type: social.FOLLOWING_PREFERENCE_CHANGED,
    variant: 'turned on',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', enabled_following: true } satisfies social.FollowingPreferenceChangedData,
  },
  {
    type: social.FOLLOWING_PREFERENCE_CHANGED,
    variant: 'turned off',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', enabled_following: false } satisfies social.FollowingPreferenceChangedData,
  },
  {
    type: social.USER_STATUS_SET,
    variant: 'first status',
    target: 'jdoe',
    data: { ...status, user_id: 42, username: 'jdoe', previous: null, set_at: AT } satisfies social.UserStatusSetData,
  },
  {
    type: social.USER_STATUS_SET,
    variant: 'replacing a status, emoji only',
    target: 'jdoe',
    data: {
      emoji: 'palm_tree',
      message: null,
      availability: 'not_set',
      clear_status_at: null,
      user_id: 42,
      username: 'jdoe',
      previous: status,
      set_at: AT,
    } satisfies social.UserStatusSetData,
  },
  {
    type: social.USER_STATUS_CLEARED,
    variant: 'by the user',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', previous: status, reason: 'user', cleared_at: AT } satisfies social.UserStatusClearedData,
  },
  {
    type: social.USER_STATUS_CLEARED,
    variant: 'expired',
    target: 'jdoe',
    data: { user_id: 42, username: 'jdoe', previous: status, reason: 'expired', cleared_at: AT } satisfies social.UserStatusClearedData,
  },
];

// ---------------------------------------------------------------- activity

const items: activity.RecordedItem[] = [
  {
    kind: 'membership',
    id: 'm-1',
    seq: 1,
    user_id: 42,
    source_type: 'Project',
    source_id: 100,
    source_name: 'acme/web',
    access_level: 30,
    requested: false,
    removed: false,
    occurred_at: AT,
  },
  {
    kind: 'contribution',
    id: 'c-1',
    seq: 2,
    author_id: 42,
    action: 'created',
    project_id: 100,
    project_visibility: 'private',
    target_type: 'Issue',
    target_id: 501,
    target_iid: 1,
    target_title: 'Fix the login page',
    created_at: AT,
    push_data: null,
    note: null,
    wiki_page: null,
  },
  {
    kind: 'user_counts',
    id: 'u-1',
    seq: 3,
    user_id: 42,
    assigned_issues: 2,
    assigned_merge_requests: 1,
    review_requested_merge_requests: 0,
    todos: 4,
    occurred_at: AT,
  },
];

// An ingested batch is about the sending admin's source: its row names the source.
const ACTIVITY_SAMPLES: Sample[] = [
  {
    type: activity.ACTIVITY_BATCH_INGESTED,
    variant: 'every kind, no resend',
    target: 'projects-svc',
    data: { source: 'projects-svc', items, duplicates: 0 } satisfies activity.BatchIngestedData,
  },
  {
    type: activity.ACTIVITY_BATCH_INGESTED,
    variant: 'partly a resend',
    target: 'projects-svc',
    data: { source: 'projects-svc', items: items.slice(0, 1), duplicates: 3 } satisfies activity.BatchIngestedData,
  },
];

const SAMPLES: Sample[] = [...IDENTITY_SAMPLES, ...CREDENTIALS_SAMPLES, ...MODERATION_SAMPLES, ...SOCIAL_SAMPLES, ...ACTIVITY_SAMPLES];

function mappingOf(type: string): AuditMapping {
  const mapping = MAPPINGS.find((candidate) => candidate.eventTypes.includes(type));
  if (!mapping) throw new Error(`no audit mapping lists ${type}`);
  return mapping;
}

function entriesOf(sample: Sample): AuditEntry[] {
  return mappingOf(sample.type).entriesFor(stored(sample));
}

const ROWS = SAMPLES.map((sample) => [`${sample.type} (${sample.variant})`, sample] as const);
const WITH_ENTRIES = ROWS.filter(([, sample]) => !sample.noEntriesBecause);
const WITHOUT_ENTRIES = ROWS.filter(([, sample]) => sample.noEntriesBecause);

describe('audit details of every audited event type', () => {
  it('has a sample for every event type that any context audits, and none for an unaudited type', () => {
    const audited = [...new Set(MAPPINGS.flatMap((mapping) => mapping.eventTypes))].sort();
    const sampled = [...new Set(SAMPLES.map((sample) => sample.type))].sort();

    expect(sampled).toEqual(audited);
  });

  it("suggests on the review page exactly the event names the samples' rows have", () => {
    const named = [...new Set(WITH_ENTRIES.flatMap(([, sample]) => entriesOf(sample).map((entry) => entry.event_name)))].sort();

    expect([...AUDIT_EVENT_NAMES].sort()).toEqual(named);
  });

  it.each(WITH_ENTRIES)('given %s, then it leaves at least one row', (_name, sample) => {
    expect(entriesOf(sample).length).toBeGreaterThan(0);
  });

  it.each(WITHOUT_ENTRIES)('given %s, then it deliberately leaves no row', (_name, sample) => {
    // Why is in the sample's noEntriesBecause.
    expect(entriesOf(sample)).toEqual([]);
  });

  // A row reads as "<author_name> — <custom_message> — <target_details>": the author comes from the
  // event's metadata, the message says what changed (in GitLab's words where GitLab has them, e.g.
  // "Changed name from A to B", which does not repeat the target), and target_details says to whom.
  it.each(WITH_ENTRIES)('given %s, then every row says what happened and names whom it is about', (_name, sample) => {
    for (const entry of entriesOf(sample)) {
      // Compared as an object so a failure shows the whole row.
      expect({ event_name: entry.event_name, target_details: entry.target_details, details: entry.details }).toEqual(
        expect.objectContaining({ target_details: expect.stringContaining(sample.target), details: expect.objectContaining({ custom_message: expect.any(String) }) }),
      );
      expect((entry.details.custom_message as string).trim()).not.toBe('');
    }
  });

  it.each(ROWS)('given %s, then no secret is anywhere in its rows', (_name, sample) => {
    const json = JSON.stringify(entriesOf(sample));

    for (const secret of Object.values(SECRETS)) expect(json).not.toContain(secret);
  });

  it('puts every distinctive secret into at least one sample, so the secret check is not vacuous', () => {
    const json = JSON.stringify(SAMPLES.map((sample) => sample.data));

    for (const secret of Object.values(SECRETS)) expect(json).toContain(secret);
  });
});
