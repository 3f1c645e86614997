import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { USER_DEFAULTS } from '../../domain/user/user.decider.js';
import type { UserRow } from '../../infrastructure/user-row.js';
import {
  avatarUrl,
  canReadProfile,
  commitEmail,
  localTime,
  userBasic,
  userDetailsWithAdmin,
  userEntity,
  userPublic,
  userWithAdmin,
  workInformation,
  type PresenterContext,
  type Viewer,
} from './user-entities.js';

const CTX: PresenterContext = { externalUrl: 'https://gitlab.example.com', now: new Date('2026-11-21T14:30:00.000Z') };
const ADMIN: Viewer = { id: 1, isAdmin: true };
const OTHER: Viewer = { id: 2, isAdmin: false };
const SELF: Viewer = { id: 42, isAdmin: false };

function row(overrides: Partial<UserRow> = {}): UserRow {
  return {
    ...USER_DEFAULTS,
    username: 'jdoe',
    email: 'JDoe@Example.com',
    name: 'John Doe',
    id: 42,
    state: 'active',
    locked: false,
    user_type: 'human',
    confirmed_at: new Date('2026-01-01T00:00:00.000Z'),
    two_factor_enabled: false,
    preferred_language: 'en',
    namespace_id: 77,
    created_by_id: 1,
    email_reset_offered_at: null,
    timezone: null,
    avatar_path: null,
    last_sign_in_at: null,
    current_sign_in_at: null,
    last_sign_in_ip: null,
    current_sign_in_ip: null,
    sign_in_count: 0,
    last_activity_on: null,
    followers_count: 3,
    following_count: 4,
    enabled_following: true,
    created_at: new Date('2026-01-01T00:00:00.000Z'),
    updated_at: new Date('2026-01-02T00:00:00.000Z'),
    identities: [],
    created_by: null,
    ...overrides,
  };
}

const BASIC_KEYS = ['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url'];
const USER_KEYS_TAIL = [
  'bio',
  'location',
  'public_email',
  'skype',
  'linkedin',
  'twitter',
  'discord',
  'website_url',
  'organization',
  'job_title',
  'pronouns',
  'bot',
  'work_information',
];
const PUBLIC_KEYS_TAIL = [
  'last_sign_in_at',
  'confirmed_at',
  'last_activity_on',
  'email',
  'theme_id',
  'color_scheme_id',
  'projects_limit',
  'current_sign_in_at',
  'identities',
  'can_create_group',
  'can_create_project',
  'two_factor_enabled',
  'external',
  'private_profile',
  'commit_email',
  'preferred_language',
];
const WITH_ADMIN_TAIL = ['is_admin', 'note', 'namespace_id', 'created_by', 'email_reset_offered_at'];
const DETAILS_TAIL = ['highest_role', 'current_sign_in_ip', 'last_sign_in_ip', 'sign_in_count'];

/** The `User` entity keys for a readable profile; `follows` adds the counts, `isFollowed` the flag. */
function userKeys(options: { readable: boolean; follows: boolean; isFollowed: boolean }): string[] {
  return [
    ...BASIC_KEYS,
    ...(options.readable ? ['created_at'] : []),
    ...USER_KEYS_TAIL,
    ...(options.follows ? ['followers', 'following'] : []),
    ...(options.isFollowed ? ['is_followed'] : []),
    'local_time',
  ];
}

describe('workInformation', () => {
  it.each([
    ['Engineer', 'ACME', 'Engineer at ACME'],
    ['Engineer', '', 'Engineer'],
    ['', 'ACME', 'ACME'],
    ['', '', null],
  ])('given job_title %j and organization %j, then %j', (job_title, organization, expected) => {
    expect(workInformation(row({ job_title, organization }))).toBe(expected);
  });
});

describe('localTime', () => {
  it('given no zone, then null', () => {
    expect(localTime(null, CTX.now)).toBeNull();
    expect(localTime('', CTX.now)).toBeNull();
  });

  it.each([
    ['UTC', '2026-11-21T14:30:00.000Z', '2:30 PM'],
    ['Asia/Kolkata', '2026-11-21T09:00:00.000Z', '2:30 PM'],
    ['America/New_York', '2026-11-21T14:30:00.000Z', '9:30 AM'],
    ['UTC', '2026-11-21T00:05:00.000Z', '12:05 AM'],
    ['UTC', '2026-11-21T12:00:00.000Z', '12:00 PM'],
    ['UTC', '2026-11-21T23:59:00.000Z', '11:59 PM'],
  ])('given zone %s at %s, then exactly %j ("%-l:%M %p", plain space)', (zone, now, expected) => {
    expect(localTime(zone, new Date(now))).toBe(expected);
  });

  it('given an unknown zone, then null rather than an error', () => {
    expect(localTime('Mars/Olympus_Mons', CTX.now)).toBeNull();
  });
});

describe('canReadProfile', () => {
  it('given a public, active, confirmed user, then anyone can read it, anonymous included', () => {
    expect(canReadProfile(row(), null)).toBe(true);
    expect(canReadProfile(row(), OTHER)).toBe(true);
  });

  it.each([
    ['a private profile', { private_profile: true }],
    ['a blocked user', { state: 'blocked' }],
    ['an LDAP-blocked user', { state: 'ldap_blocked' }],
    ['a banned user', { state: 'banned' }],
    ['a user pending approval', { state: 'blocked_pending_approval' }],
    ['an unconfirmed user', { confirmed_at: null }],
  ] as [string, Partial<UserRow>][])('given %s, then hidden from others and anonymous, visible to self and admins', (_what, overrides) => {
    const subject = row(overrides);

    expect(canReadProfile(subject, null)).toBe(false);
    expect(canReadProfile(subject, OTHER)).toBe(false);
    expect(canReadProfile(subject, SELF)).toBe(true);
    expect(canReadProfile(subject, ADMIN)).toBe(true);
  });

  it('given a deactivated user, then the profile stays readable (deactivated is not blocked)', () => {
    expect(canReadProfile(row({ state: 'deactivated' }), OTHER)).toBe(true);
  });
});

describe('commitEmail', () => {
  it('given "_private", then the noreply address on the external host', () => {
    expect(commitEmail(row({ commit_email: '_private' }), CTX)).toBe('42-jdoe@users.noreply.gitlab.example.com');
  });

  it('given an explicit commit email, then it', () => {
    expect(commitEmail(row({ commit_email: 'commits@example.com' }), CTX)).toBe('commits@example.com');
  });

  it('given none, then the primary email', () => {
    expect(commitEmail(row({ commit_email: null }), CTX)).toBe('JDoe@Example.com');
  });
});

describe('avatarUrl', () => {
  it('given no upload, then a Gravatar URL from the trimmed, lower-cased email', () => {
    const hash = createHash('sha256').update('jdoe@example.com').digest('hex');
    expect(avatarUrl(row({ email: ' JDoe@Example.com ' }), CTX)).toBe(`https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`);
  });

  it('given an uploaded avatar, then its absolute URL', () => {
    expect(avatarUrl(row({ avatar_path: '/uploads/-/system/user/avatar/42/a.png' }), CTX)).toBe(
      'https://gitlab.example.com/uploads/-/system/user/avatar/42/a.png',
    );
  });
});

describe('entity key lists (reference 2)', () => {
  it('userBasic: id, username, name, state, locked, avatar_url, web_url', () => {
    const basic = userBasic(row(), CTX);

    expect(Object.keys(basic)).toEqual(BASIC_KEYS);
    expect(basic).toMatchObject({ id: 42, username: 'jdoe', name: 'John Doe', state: 'active', locked: false, web_url: 'https://gitlab.example.com/jdoe' });
  });

  it('userEntity seen by another user: every User key, follow counts and is_followed', () => {
    const entity = userEntity(row({ timezone: 'UTC', job_title: 'Dev', organization: 'ACME' }), OTHER, CTX, true);

    expect(Object.keys(entity)).toEqual(userKeys({ readable: true, follows: true, isFollowed: true }));
    expect(entity).toMatchObject({
      created_at: '2026-01-01T00:00:00.000Z',
      bot: false,
      work_information: 'Dev at ACME',
      followers: 3,
      following: 4,
      is_followed: true,
      local_time: '2:30 PM',
    });
  });

  it('userEntity seen anonymously: counts but never is_followed', () => {
    expect(Object.keys(userEntity(row(), null, CTX))).toEqual(userKeys({ readable: true, follows: true, isFollowed: false }));
  });

  it('userEntity of yourself: counts (our rule) but no is_followed', () => {
    expect(Object.keys(userEntity(row(), SELF, CTX))).toEqual(userKeys({ readable: true, follows: true, isFollowed: false }));
  });

  it('userEntity of a private profile seen by another user: no created_at, counts or is_followed; the other fields stay', () => {
    const entity = userEntity(row({ private_profile: true, bio: 'still shown' }), OTHER, CTX, true);

    expect(Object.keys(entity)).toEqual(userKeys({ readable: false, follows: false, isFollowed: false }));
    expect(entity.bio).toBe('still shown');
  });

  it('userEntity of a user who turned following off: no counts and no is_followed', () => {
    expect(Object.keys(userEntity(row({ enabled_following: false }), OTHER, CTX))).toEqual(userKeys({ readable: true, follows: false, isFollowed: false }));
  });

  it.each([
    ['human', false],
    ['ghost', false],
    ['project_bot', true],
    ['service_account', true],
  ])('userEntity: user_type %s gives bot=%s', (user_type, bot) => {
    expect(userEntity(row({ user_type }), ADMIN, CTX).bot).toBe(bot);
  });

  it('userPublic: User keys then the UserPublic ones', () => {
    const subject = row({
      identities: [{ provider: 'github', extern_uid: '1' }],
      last_activity_on: '2026-11-20',
      projects_limit: 0,
      commit_email: '_private',
    });
    const entity = userPublic(subject, SELF, CTX);

    expect(Object.keys(entity)).toEqual([...userKeys({ readable: true, follows: true, isFollowed: false }), ...PUBLIC_KEYS_TAIL]);
    expect(entity).toMatchObject({
      confirmed_at: '2026-01-01T00:00:00.000Z',
      last_sign_in_at: null,
      last_activity_on: '2026-11-20',
      email: 'JDoe@Example.com',
      identities: [{ provider: 'github', extern_uid: '1' }],
      can_create_project: false,
      commit_email: '42-jdoe@users.noreply.gitlab.example.com',
      preferred_language: 'en',
    });
  });

  it('userPublic: can_create_project follows projects_limit', () => {
    expect(userPublic(row({ projects_limit: 1 }), SELF, CTX).can_create_project).toBe(true);
  });

  it('userWithAdmin: UserPublic keys then is_admin, note, namespace_id, created_by, email_reset_offered_at', () => {
    const creator = row({ id: 1, username: 'root', name: 'Administrator', email: 'admin@example.com' });
    const entity = userWithAdmin(row({ admin: true, note: 'vip', created_by: creator }), ADMIN, CTX);

    expect(Object.keys(entity)).toEqual([...userKeys({ readable: true, follows: true, isFollowed: true }), ...PUBLIC_KEYS_TAIL, ...WITH_ADMIN_TAIL]);
    expect(entity).toMatchObject({ is_admin: true, note: 'vip', namespace_id: 77, email_reset_offered_at: null });
    expect(entity.created_by).toEqual(userBasic(creator, CTX));
    expect(Object.keys(entity.created_by as object)).toEqual(BASIC_KEYS);
  });

  it('userWithAdmin: created_by is null without a creator', () => {
    expect(userWithAdmin(row({ created_by: null }), ADMIN, CTX).created_by).toBeNull();
  });

  it('userDetailsWithAdmin: UserWithAdmin keys then highest_role, current_sign_in_ip, last_sign_in_ip, sign_in_count; no EE plan/trial', () => {
    const entity = userDetailsWithAdmin(row({ current_sign_in_ip: '10.0.0.1', sign_in_count: 5 }), ADMIN, CTX);

    expect(Object.keys(entity)).toEqual([
      ...userKeys({ readable: true, follows: true, isFollowed: true }),
      ...PUBLIC_KEYS_TAIL,
      ...WITH_ADMIN_TAIL,
      ...DETAILS_TAIL,
    ]);
    expect(entity).toMatchObject({ highest_role: 0, current_sign_in_ip: '10.0.0.1', last_sign_in_ip: null, sign_in_count: 5 });
    expect(entity).not.toHaveProperty('plan');
    expect(entity).not.toHaveProperty('trial');
  });

  it('then no entity ever exposes the password or internal bookkeeping', () => {
    const entity = userDetailsWithAdmin(row(), ADMIN, CTX);
    for (const key of ['password', 'encrypted_password', 'password_hash', 'updated_at', 'created_by_id', 'enabled_following', 'admin', 'timezone', 'avatar_path']) {
      expect(entity).not.toHaveProperty(key);
    }
  });
});
