import { describe, it, expect } from '@jest/globals';
import { ConflictError, DomainError } from '@app/kernel';
import type { CreateUserCommand, DeleteUserCommand, UpdateUserCommand } from './user.commands.js';
import { decide, evolve, initialUserState, USER_DEFAULTS, type UserState } from './user.decider.js';
import { UserInvalidError, UserNotFoundError } from './user.errors.js';
import {
  USER_ADMIN_CHANGED,
  USER_AVATAR_CHANGED,
  USER_CREATED,
  USER_DELETED,
  USER_EMAIL_CHANGED,
  USER_EVENT_SCHEMA_VERSIONS,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type ProfileSettingChanges,
  type UserCreatedData,
  type UserDeletedData,
  type UserEvent,
  type UserProfile,
} from './user.events.js';
import {
  AVATAR_FORMAT_MESSAGE,
  AVATAR_SIZE_MESSAGE,
  UNVERIFIED_EMAIL_MESSAGE,
  USERNAME_OCI_MESSAGE,
  USERNAME_PATH_MESSAGE,
  WEAK_PASSWORD_MESSAGE,
} from './user.rules.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const LATER = new Date('2026-11-22T08:30:00.000Z');
const USER_ID = 42;
const ADMIN_ID = 1;
const STRONG_PASSWORD = 'Zq8!vRt#Lm2pKx';

// ---- given / when / then helpers -------------------------------------------------------------

/** Folds a history with `evolve`, the way the stream repository does. */
function given(...history: UserEvent[]): UserState {
  return history.reduce(evolve, initialUserState);
}

function createCommand(profile: Partial<UserProfile> = {}, overrides: Partial<CreateUserCommand> = {}): CreateUserCommand {
  return {
    kind: 'create_user',
    id: USER_ID,
    namespaceId: 7,
    createdById: ADMIN_ID,
    userType: 'human',
    profile: { username: 'jdoe', email: 'jdoe@example.com', name: 'John Doe', ...profile },
    passwordMode: 'given',
    password: STRONG_PASSWORD,
    skipConfirmation: false,
    identity: null,
    ...overrides,
  };
}

function updateCommand(changes: Partial<UserProfile> = {}, overrides: Partial<UpdateUserCommand> = {}): UpdateUserCommand {
  return { kind: 'update_user', actorId: ADMIN_ID, changes, password: null, skipReconfirmation: false, identity: null, ...overrides };
}

function deleteCommand(overrides: Partial<DeleteUserCommand> = {}): DeleteUserCommand {
  return { kind: 'delete_user', hardDelete: false, ghostUserId: 99, ...overrides };
}

/** A `user_created` event, produced by the decider itself so the fixture stays honest. */
function userCreated(profile: Partial<UserProfile> = {}, overrides: Partial<CreateUserCommand> = {}): UserEvent {
  const [event] = decide(createCommand(profile, overrides), initialUserState, NOW);
  return event;
}

function createdData(events: UserEvent[]): UserCreatedData {
  expect(events).toHaveLength(1);
  expect(events[0].type).toBe(USER_CREATED);
  return events[0].data as UserCreatedData;
}

type DataOf<TType extends UserEvent['type']> = Extract<UserEvent, { type: TType }>['data'];

/** The payload of the one event of `type` among `events`. */
function dataOf<TType extends UserEvent['type']>(events: UserEvent[], type: TType): DataOf<TType> {
  const matching = events.filter((event) => event.type === type);
  expect(matching).toHaveLength(1);
  return matching[0].data as unknown as DataOf<TType>;
}

/** The settings changes of an update that emitted only `user_profile_updated`. */
function settingChanges(events: UserEvent[]): ProfileSettingChanges {
  expect(events.map((event) => event.type)).toEqual([USER_PROFILE_UPDATED]);
  return dataOf(events, USER_PROFILE_UPDATED).changes;
}

const typesOf = (events: UserEvent[]) => events.map((event) => event.type);

/** Runs `decide` and returns what it threw; fails the test when it did not throw. */
function decideError(command: CreateUserCommand | UpdateUserCommand | DeleteUserCommand, state: UserState): DomainError {
  try {
    decide(command, state, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected decide to throw');
}

function validationErrors(command: CreateUserCommand | UpdateUserCommand, state: UserState = initialUserState): Record<string, string[]> {
  const error = decideError(command, state);
  expect(error).toBeInstanceOf(UserInvalidError);
  expect(error.code).toBe('identity.user_invalid');
  expect(error.kind).toBe('model_invalid');
  return (error as UserInvalidError).errors;
}

// ---- evolve ----------------------------------------------------------------------------------

describe('evolve', () => {
  it('given no history, then the state is absent', () => {
    expect(given()).toEqual({ status: 'absent', id: 0, userType: 'human', profile: null, identities: [] });
  });

  it('given user_created, then the state is present with the profile and without the bookkeeping fields', () => {
    const state = given(userCreated({ bio: 'hi' }, { identity: { provider: 'github', extern_uid: 'gh-1' } }));

    expect(state.status).toBe('present');
    expect(state.id).toBe(USER_ID);
    expect(state.userType).toBe('human');
    expect(state.identities).toEqual([{ provider: 'github', extern_uid: 'gh-1' }]);
    expect(state.profile).toMatchObject({ username: 'jdoe', email: 'jdoe@example.com', bio: 'hi' });
    for (const key of ['id', 'namespace_id', 'user_type', 'created_by_id', 'created_at', 'password_reset_requested', 'identities']) {
      expect(state.profile).not.toHaveProperty(key);
    }
  });

  it('given user_created then a username change and a profile update, then both are folded and identities replaced', () => {
    const base = { id: USER_ID, username: 'jdoe2', updated_at: LATER.toISOString() };
    const renamed: UserEvent = { type: USER_USERNAME_CHANGED, schemaVersion: 1, data: { ...base, from: 'jdoe', to: 'jdoe2' } };
    const updated: UserEvent = {
      type: USER_PROFILE_UPDATED,
      schemaVersion: 1,
      data: { ...base, changes: { bio: { from: '', to: 'new bio' } }, identities: [{ provider: 'ldap', extern_uid: 'uid=1' }] },
    };

    const state = given(userCreated(), renamed, updated);

    expect(state.profile?.username).toBe('jdoe2');
    expect(state.profile?.bio).toBe('new bio');
    expect(state.profile?.email).toBe('jdoe@example.com');
    expect(state.identities).toEqual([{ provider: 'ldap', extern_uid: 'uid=1' }]);
  });

  it('given name, admin and email changes, then each sets its attribute', () => {
    const base = { id: USER_ID, username: 'jdoe', updated_at: LATER.toISOString() };
    const state = given(
      userCreated(),
      { type: USER_NAME_CHANGED, schemaVersion: 1, data: { ...base, from: 'John Doe', to: 'Johnny' } },
      { type: USER_ADMIN_CHANGED, schemaVersion: 1, data: { ...base, from: false, to: true } },
      { type: USER_EMAIL_CHANGED, schemaVersion: 1, data: { ...base, email: null, unconfirmed_email: { from: null, to: 'new@example.com' } } },
    );

    expect(state.profile).toMatchObject({ name: 'Johnny', admin: true, email: 'jdoe@example.com', unconfirmed_email: 'new@example.com' });
  });

  it('given password and avatar changes, then the folded state is unchanged (the decider never needs them)', () => {
    const created = userCreated();
    const events = decide(updateCommand({}, { password: STRONG_PASSWORD, avatar: { filename: 'a.png', size: 1, sha256: 'b'.repeat(64) } }), given(created), LATER);

    expect(typesOf(events)).toEqual([USER_PASSWORD_CHANGED, USER_AVATAR_CHANGED]);
    expect(given(created, ...events)).toEqual(given(created));
  });

  it('given a profile update without identities, then the identities are kept', () => {
    const created = userCreated({}, { identity: { provider: 'github', extern_uid: 'gh-1' } });
    const [update] = decide(updateCommand({ bio: 'x' }), given(created), LATER);

    expect(given(created, update).identities).toEqual([{ provider: 'github', extern_uid: 'gh-1' }]);
  });

  it('given user_deleted, then the state is deleted', () => {
    const created = userCreated();
    const [deleted] = decide(deleteCommand(), given(created), LATER);

    expect(given(created, deleted).status).toBe('deleted');
  });
});

// ---- create ----------------------------------------------------------------------------------

describe('decide create_user', () => {
  it('given no user, when created with only the required attributes, then user_created carries the instance defaults', () => {
    const data = createdData(decide(createCommand(), initialUserState, NOW));

    expect(data).toEqual({
      ...USER_DEFAULTS,
      username: 'jdoe',
      email: 'jdoe@example.com',
      name: 'John Doe',
      id: USER_ID,
      namespace_id: 7,
      user_type: 'human',
      created_by_id: ADMIN_ID,
      identities: [],
      password_reset_requested: false,
      created_at: NOW.toISOString(),
    });
    expect(data.projects_limit).toBe(100_000);
    expect(data.can_create_group).toBe(true);
    expect(data.private_profile).toBe(false);
    expect(data.confirmed_at).toBeNull();
    expect(data.unconfirmed_email).toBeNull();
  });

  it('then the event has schema version 1', () => {
    const [event] = decide(createCommand(), initialUserState, NOW);
    expect(event.schemaVersion).toBe(1);
  });

  it('when optional attributes are sent, then they override the defaults', () => {
    const data = createdData(
      decide(createCommand({ bio: 'Hello', projects_limit: 5, can_create_group: false, theme_id: 11, color_scheme_id: 6, admin: true }), initialUserState, NOW),
    );

    expect(data).toMatchObject({ bio: 'Hello', projects_limit: 5, can_create_group: false, theme_id: 11, color_scheme_id: 6, admin: true });
  });

  it('when an attribute is sent as undefined, then the default stays', () => {
    const data = createdData(decide(createCommand({ projects_limit: undefined, theme_id: undefined }), initialUserState, NOW));

    expect(data.projects_limit).toBe(100_000);
    expect(data.theme_id).toBe(3);
  });

  it('when external, then can_create_group is false and projects_limit 0 whatever was asked', () => {
    const data = createdData(decide(createCommand({ external: true, can_create_group: true, projects_limit: 50 }), initialUserState, NOW));

    expect(data.external).toBe(true);
    expect(data.can_create_group).toBe(false);
    expect(data.projects_limit).toBe(0);
  });

  it('when skip_confirmation, then confirmed_at is now', () => {
    const data = createdData(decide(createCommand({}, { skipConfirmation: true }), initialUserState, NOW));

    expect(data.confirmed_at).toBe(NOW.toISOString());
  });

  it('when the command tries to set confirmed_at or unconfirmed_email itself, then they are ignored', () => {
    const data = createdData(
      decide(createCommand({ confirmed_at: '2000-01-01T00:00:00.000Z', unconfirmed_email: 'x@example.com' }), initialUserState, NOW),
    );

    expect(data.confirmed_at).toBeNull();
    expect(data.unconfirmed_email).toBeNull();
  });

  it('when private_profile is null, then the default (false) is used', () => {
    const data = createdData(decide(createCommand({ private_profile: null as unknown as boolean }), initialUserState, NOW));

    expect(data.private_profile).toBe(false);
  });

  it('when private_profile is true, then it is kept', () => {
    expect(createdData(decide(createCommand({ private_profile: true }), initialUserState, NOW)).private_profile).toBe(true);
  });

  it('when the name contains HTML tags, then each tag is replaced with "-"', () => {
    const data = createdData(decide(createCommand({ name: 'John <b>Bold</b> Doe<script>' }), initialUserState, NOW));

    expect(data.name).toBe('John -Bold- Doe-');
  });

  it('when an identity is given, then it is the only identity', () => {
    const data = createdData(decide(createCommand({}, { identity: { provider: 'github', extern_uid: '123' } }), initialUserState, NOW));

    expect(data.identities).toEqual([{ provider: 'github', extern_uid: '123' }]);
  });

  it.each([
    ['reset', true],
    ['random', false],
    ['given', false],
  ] as const)('when the password mode is %s, then password_reset_requested is %s', (mode, expected) => {
    const data = createdData(decide(createCommand({}, { passwordMode: mode, password: mode === 'given' ? STRONG_PASSWORD : null }), initialUserState, NOW));

    expect(data.password_reset_requested).toBe(expected);
  });

  it('then no event ever carries the plain password', () => {
    const events = decide(createCommand(), initialUserState, NOW);

    expect(JSON.stringify(events)).not.toContain(STRONG_PASSWORD);
    expect(events[0].data).not.toHaveProperty('password');
  });

  it('given a ghost user type, then it is carried', () => {
    expect(createdData(decide(createCommand({}, { userType: 'ghost', createdById: null }), initialUserState, NOW))).toMatchObject({
      user_type: 'ghost',
      created_by_id: null,
    });
  });

  it('given the user already exists, when created again, then a ConflictError is thrown', () => {
    const error = decideError(createCommand(), given(userCreated()));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('identity.user_exists');
  });

  describe('password rules', () => {
    it('when the mode is "given" and no password is sent, then password can\'t be blank', () => {
      expect(validationErrors(createCommand({}, { password: null }))).toEqual({ password: ["can't be blank"] });
    });

    it('when the mode is "given" and the password is an empty string, then password can\'t be blank', () => {
      expect(validationErrors(createCommand({}, { password: '' }))).toEqual({ password: ["can't be blank"] });
    });

    it('when an update sends an empty password, then password can\'t be blank', () => {
      expect(validationErrors(updateCommand({}, { password: '' }), given(userCreated()))).toEqual({ password: ["can't be blank"] });
    });

    it.each(['reset', 'random'] as const)('when the mode is "%s" and no password is sent, then the user is created', (mode) => {
      expect(decide(createCommand({}, { passwordMode: mode, password: null }), initialUserState, NOW)).toHaveLength(1);
    });

    it.each(['reset', 'random'] as const)('when the mode is "%s", then a bad password is not checked (the random one wins)', (mode) => {
      expect(decide(createCommand({}, { passwordMode: mode, password: 'short' }), initialUserState, NOW)).toHaveLength(1);
    });

    it('when the password has 7 characters, then it is too short', () => {
      expect(validationErrors(createCommand({}, { password: 'Zq8!vRt' }))).toEqual({ password: ['is too short (minimum is 8 characters)'] });
    });

    it('when the password has exactly 8 characters, then it is accepted', () => {
      expect(decide(createCommand({}, { password: 'Zq8!vRtK' }), initialUserState, NOW)).toHaveLength(1);
    });

    it('when the password has 129 characters, then it is too long', () => {
      expect(validationErrors(createCommand({}, { password: 'Zq8!'.repeat(32) + 'x' }))).toEqual({
        password: ['is too long (maximum is 128 characters)'],
      });
    });

    it('when the password has exactly 128 characters, then it is accepted', () => {
      expect(decide(createCommand({}, { password: 'Zq8!'.repeat(32) }), initialUserState, NOW)).toHaveLength(1);
    });

    it.each(['password', 'PASSWORD', '12345678', 'qwerty123'])('when the password is the common "%s", then it is weak', (password) => {
      expect(validationErrors(createCommand({}, { password }))).toEqual({ password: [WEAK_PASSWORD_MESSAGE] });
    });

    it.each(['MyGitLabPass9', 'devops-rules-42'])('when the password contains a forbidden word ("%s"), then it is weak', (password) => {
      expect(validationErrors(createCommand({}, { password }))).toEqual({ password: [WEAK_PASSWORD_MESSAGE] });
    });

    it('when the password contains the username, then it is weak', () => {
      expect(validationErrors(createCommand({ username: 'marvin' }, { password: 'xx-Marvin-77!' }))).toEqual({ password: [WEAK_PASSWORD_MESSAGE] });
    });

    it('when the password contains a part of the name, then it is weak', () => {
      expect(validationErrors(createCommand({ name: 'Ada Lovelace' }, { password: 'lovelace#2026' }))).toEqual({ password: [WEAK_PASSWORD_MESSAGE] });
    });

    it('when the password contains the local part of the email, then it is weak', () => {
      expect(validationErrors(createCommand({ email: 'zaphod@example.com' }, { password: '!!zaphod!!99' }))).toEqual({ password: [WEAK_PASSWORD_MESSAGE] });
    });

    it('when the password is invalid together with other attributes, then all errors are reported together', () => {
      expect(validationErrors(createCommand({ bio: 'b'.repeat(256) }, { password: 'short' }))).toEqual({
        bio: ['is too long (maximum is 255 characters)'],
        password: ['is too short (minimum is 8 characters)'],
      });
    });
  });

  describe('username rules', () => {
    it('when the username is "test!", then both the path and the OCI messages are given', () => {
      expect(validationErrors(createCommand({ username: 'test!' }))).toEqual({ username: [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE] });
    });

    it('then the messages are GitLab\'s exact wording', () => {
      expect(USERNAME_PATH_MESSAGE).toBe("can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.");
      expect(USERNAME_OCI_MESSAGE).toBe(
        "can only include non-accented letters, digits, '_', '-' and '.'. It must not start with '-', '_', or '.', nor end with '-', '_', '.', '.git', or '.atom'.",
      );
    });

    it('when the username is the reserved "admin", then it is a reserved name', () => {
      expect(validationErrors(createCommand({ username: 'admin' }))).toEqual({ username: ['admin is a reserved name'] });
    });

    it('when the username is a reserved name in another case, then the message quotes it as sent', () => {
      expect(validationErrors(createCommand({ username: 'Explore' }))).toEqual({ username: ['Explore is a reserved name'] });
    });

    it('when the username ends in ".git", then both format messages are given', () => {
      expect(validationErrors(createCommand({ username: 'project.git' }))).toEqual({ username: [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE] });
    });

    it('when the username ends in ".atom", then both format messages are given, plus the reserved-extension one', () => {
      expect(validationErrors(createCommand({ username: 'feed.atom' })).username).toEqual([
        USERNAME_PATH_MESSAGE,
        USERNAME_OCI_MESSAGE,
        'ending with a reserved file extension is not allowed.',
      ]);
    });

    it('when the username ends in the reserved extension ".json", then it is refused', () => {
      expect(validationErrors(createCommand({ username: 'data.json' }))).toEqual({ username: ['ending with a reserved file extension is not allowed.'] });
    });

    it('when the username starts with "_", then only the OCI rule fails', () => {
      expect(validationErrors(createCommand({ username: '_jdoe' }))).toEqual({ username: [USERNAME_OCI_MESSAGE] });
    });

    it('when the username has one character, then it is too short', () => {
      expect(validationErrors(createCommand({ username: 'a' }))).toEqual({ username: ['is too short (minimum is 2 characters)'] });
    });

    it('when the username has 2 or 255 characters, then it is accepted', () => {
      expect(decide(createCommand({ username: 'ab' }), initialUserState, NOW)).toHaveLength(1);
      expect(decide(createCommand({ username: 'a'.repeat(255) }), initialUserState, NOW)).toHaveLength(1);
    });

    it('when the username has 256 characters, then it is too long', () => {
      expect(validationErrors(createCommand({ username: 'a'.repeat(256) }))).toEqual({ username: ['is too long (maximum is 255 characters)'] });
    });

    it('when the username is empty, then it can\'t be blank (and nothing else)', () => {
      expect(validationErrors(createCommand({ username: '' })).username).toEqual(["can't be blank"]);
    });

    it.each(['john.doe', 'john_doe', 'john-doe', 'JohnDoe99'])('when the username is "%s", then it is accepted', (username) => {
      expect(createdData(decide(createCommand({ username }, { password: STRONG_PASSWORD }), initialUserState, NOW)).username).toBe(username);
    });
  });

  describe('other attribute rules', () => {
    it.each([
      ['theme_id', 50, '50 is not a valid theme'],
      ['theme_id', 0, '0 is not a valid theme'],
      ['color_scheme_id', 50, '50 is not a valid color scheme'],
      ['color_scheme_id', 7, '7 is not a valid color scheme'],
    ] as const)('when %s is %s, then "%s"', (attr, value, message) => {
      expect(validationErrors(createCommand({ [attr]: value }))).toEqual({ [attr]: [message] });
    });

    it.each([
      ['theme_id', 1],
      ['theme_id', 11],
      ['color_scheme_id', 1],
      ['color_scheme_id', 6],
    ] as const)('when %s is %s (a bound), then it is accepted', (attr, value) => {
      expect(createdData(decide(createCommand({ [attr]: value }), initialUserState, NOW))[attr]).toBe(value);
    });

    it.each(['1234567890123456', '123456789012345678901', 'jdoe#1234', '1234567890123456x'])('when discord is "%s", then it must be a user ID', (discord) => {
      expect(validationErrors(createCommand({ discord }))).toEqual({ discord: ['must contain only a discord user ID.'] });
    });

    it.each(['12345678901234567', '12345678901234567890'])('when discord is the %s-digit id, then it is accepted', (discord) => {
      expect(createdData(decide(createCommand({ discord }), initialUserState, NOW)).discord).toBe(discord);
    });

    it('when discord is empty, then it is accepted', () => {
      expect(decide(createCommand({ discord: '' }), initialUserState, NOW)).toHaveLength(1);
    });

    it.each([
      ['bio', 255],
      ['job_title', 200],
      ['pronouns', 50],
      ['linkedin', 500],
      ['twitter', 500],
      ['skype', 500],
      ['location', 500],
      ['organization', 500],
      ['website_url', 500],
      ['name', 255],
      ['note', 10_000],
    ] as const)('when %s is one character over %s, then it is too long; at the limit it is fine', (attr, max) => {
      expect(validationErrors(createCommand({ [attr]: 'x'.repeat(max + 1) }))).toEqual({ [attr]: [`is too long (maximum is ${max} characters)`] });
      expect(decide(createCommand({ [attr]: 'x'.repeat(max) }), initialUserState, NOW)).toHaveLength(1);
    });

    it('when projects_limit is negative, then it must be greater than or equal to 0', () => {
      expect(validationErrors(createCommand({ projects_limit: -1 }))).toEqual({ projects_limit: ['must be greater than or equal to 0'] });
    });

    it('when projects_limit is above the 32-bit maximum, then it must be less than or equal to 2147483647', () => {
      expect(validationErrors(createCommand({ projects_limit: 2_147_483_648 }))).toEqual({
        projects_limit: ['must be less than or equal to 2147483647'],
      });
    });

    it('when projects_limit is 0, then it is accepted', () => {
      expect(createdData(decide(createCommand({ projects_limit: 0 }), initialUserState, NOW)).projects_limit).toBe(0);
    });

    it('when the user is external and projects_limit negative, then it is invalid (validation runs before the external rule)', () => {
      expect(validationErrors(createCommand({ external: true, projects_limit: -5 }))).toEqual({
        projects_limit: ['must be greater than or equal to 0'],
      });
    });

    it.each(['not-an-email', 'two@@example.com', 'with space@example.com'])('when the email is "%s", then it is invalid', (email) => {
      expect(validationErrors(createCommand({ email }))).toEqual({ email: ['is invalid'] });
    });

    it('when the email is blank, then it can\'t be blank', () => {
      expect(validationErrors(createCommand({ email: '  ' }))).toEqual({ email: ["can't be blank"] });
    });

    it('when the name is blank, then it can\'t be blank', () => {
      expect(validationErrors(createCommand({ name: '   ' }))).toEqual({ name: ["can't be blank"] });
    });

    it('when public_email or commit_email are malformed, then they are invalid; "_private" is a valid commit email', () => {
      expect(validationErrors(createCommand({ public_email: 'nope', commit_email: 'nope' }))).toEqual({
        public_email: ['is invalid', UNVERIFIED_EMAIL_MESSAGE],
        commit_email: ['is invalid', UNVERIFIED_EMAIL_MESSAGE],
      });
      expect(createdData(decide(createCommand({ commit_email: '_private' }), initialUserState, NOW)).commit_email).toBe('_private');
    });

    it('when several attributes are invalid, then every attribute gets its messages in one error', () => {
      const error = decideError(createCommand({ username: 'admin', theme_id: 50, bio: 'b'.repeat(256) }, { password: 'password' }), initialUserState);

      expect((error as UserInvalidError).errors).toEqual({
        username: ['admin is a reserved name'],
        bio: ['is too long (maximum is 255 characters)'],
        theme_id: ['50 is not a valid theme'],
        password: [WEAK_PASSWORD_MESSAGE],
      });
      expect(error.message).toContain('username admin is a reserved name');
    });
  });
});

// ---- update ----------------------------------------------------------------------------------

describe('decide update_user', () => {
  const existing = () => given(userCreated({ bio: 'old bio', theme_id: 3 }, { skipConfirmation: true }));

  it('given a user, when one setting changes, then user_profile_updated carries only it, from and to', () => {
    const events = decide(updateCommand({ bio: 'new bio', theme_id: 3 }), existing(), LATER);

    expect(events).toEqual([
      {
        type: USER_PROFILE_UPDATED,
        schemaVersion: 1,
        data: { id: USER_ID, username: 'jdoe', changes: { bio: { from: 'old bio', to: 'new bio' } }, identities: null, updated_at: LATER.toISOString() },
      },
    ]);
  });

  it('when the username changes, then user_username_changed names the new username', () => {
    expect(decide(updateCommand({ username: 'jane' }), existing(), LATER)).toEqual([
      { type: USER_USERNAME_CHANGED, schemaVersion: 1, data: { id: USER_ID, username: 'jane', from: 'jdoe', to: 'jane', updated_at: LATER.toISOString() } },
    ]);
  });

  it('when the admin flag changes, then user_admin_changed', () => {
    expect(dataOf(decide(updateCommand({ admin: true }), existing(), LATER), USER_ADMIN_CHANGED)).toEqual({
      id: USER_ID,
      username: 'jdoe',
      from: false,
      to: true,
      updated_at: LATER.toISOString(),
    });
  });

  it('when one update changes everything, then one event per intent, in a stable order, each naming the final username', () => {
    const events = decide(
      updateCommand(
        { name: 'Jane', admin: true, email: 'new@example.com', username: 'jane', bio: 'b' },
        { skipReconfirmation: true, password: STRONG_PASSWORD, avatar: { filename: 'a.png', size: 1, sha256: 'c'.repeat(64) } },
      ),
      existing(),
      LATER,
    );

    expect(typesOf(events)).toEqual([
      USER_NAME_CHANGED,
      USER_ADMIN_CHANGED,
      USER_EMAIL_CHANGED,
      USER_USERNAME_CHANGED,
      USER_PASSWORD_CHANGED,
      USER_AVATAR_CHANGED,
      USER_PROFILE_UPDATED,
    ]);
    for (const event of events) {
      expect(event.data).toMatchObject({ id: USER_ID, username: 'jane', updated_at: LATER.toISOString() });
      expect(event.schemaVersion).toBe(USER_EVENT_SCHEMA_VERSIONS[event.type]);
    }
  });

  it('when an email change waits for confirmation, then its event comes after the username change', () => {
    const events = decide(updateCommand({ email: 'new@example.com', username: 'jane', name: 'Jane' }), existing(), LATER);

    expect(typesOf(events)).toEqual([USER_NAME_CHANGED, USER_USERNAME_CHANGED, USER_EMAIL_CHANGED]);
  });

  it('when nothing changes, then no event is emitted', () => {
    expect(decide(updateCommand({ bio: 'old bio', theme_id: 3, username: 'jdoe' }), existing(), LATER)).toEqual([]);
  });

  it('when the command is empty, then no event is emitted', () => {
    expect(decide(updateCommand(), existing(), LATER)).toEqual([]);
  });

  it('when the name gets HTML tags, then they are replaced', () => {
    expect(dataOf(decide(updateCommand({ name: '<i>Jane</i>' }), existing(), LATER), USER_NAME_CHANGED)).toMatchObject({ from: 'John Doe', to: '-Jane-' });
  });

  it('when the email changes, then user_email_changed: the new address waits in unconfirmed_email and email stays', () => {
    const events = decide(updateCommand({ email: 'new@example.com' }), existing(), LATER);

    expect(events).toEqual([
      {
        type: USER_EMAIL_CHANGED,
        schemaVersion: 1,
        data: { id: USER_ID, username: 'jdoe', email: null, unconfirmed_email: { from: null, to: 'new@example.com' }, updated_at: LATER.toISOString() },
      },
    ]);
  });

  it('when the email changes with skip_reconfirmation, then email changes at once', () => {
    const data = dataOf(decide(updateCommand({ email: 'new@example.com' }, { skipReconfirmation: true }), existing(), LATER), USER_EMAIL_CHANGED);

    expect(data.email).toEqual({ from: 'jdoe@example.com', to: 'new@example.com' });
    expect(data.unconfirmed_email).toBeNull();
  });

  it('given a pending unconfirmed email, when the email is confirmed with skip_reconfirmation, then the pending address is cleared', () => {
    const created = userCreated();
    const [pending] = decide(updateCommand({ email: 'new@example.com' }), given(created), LATER);

    const events = decide(updateCommand({ email: 'new@example.com' }, { skipReconfirmation: true }), given(created, pending), LATER);

    expect(typesOf(events)).toEqual([USER_EMAIL_CHANGED]);
    expect(dataOf(events, USER_EMAIL_CHANGED)).toMatchObject({
      email: { from: 'jdoe@example.com', to: 'new@example.com' },
      unconfirmed_email: { from: 'new@example.com', to: null },
    });
  });

  it('when the same email is sent in another case, then it is stored as sent without reconfirmation', () => {
    const data = dataOf(decide(updateCommand({ email: 'JDoe@Example.com' }), existing(), LATER), USER_EMAIL_CHANGED);

    expect(data.email).toEqual({ from: 'jdoe@example.com', to: 'JDoe@Example.com' });
    expect(data.unconfirmed_email).toBeNull();
  });

  it('when the new email is malformed and skip_reconfirmation, then email is invalid', () => {
    expect(validationErrors(updateCommand({ email: 'not-an-email' }, { skipReconfirmation: true }), existing())).toEqual({ email: ['is invalid'] });
  });

  it('when the new email is malformed and would wait for reconfirmation, then email is invalid all the same', () => {
    // Devise validates the new address before it postpones it to unconfirmed_email.
    expect(validationErrors(updateCommand({ email: 'not-an-email' }), existing())).toEqual({ email: ['is invalid'] });
  });

  it('when the new email is blank, then email can\'t be blank (it does not become a blank unconfirmed_email)', () => {
    expect(validationErrors(updateCommand({ email: '' }), existing())).toEqual({ email: ["can't be blank"] });
  });

  it('when the password changes by an admin for another user, then user_password_changed with password_expires_at=now and no secret', () => {
    const events = decide(updateCommand({}, { actorId: ADMIN_ID, password: STRONG_PASSWORD }), existing(), LATER);

    expect(events).toEqual([
      { type: USER_PASSWORD_CHANGED, schemaVersion: 1, data: { id: USER_ID, username: 'jdoe', password_expires_at: LATER.toISOString(), updated_at: LATER.toISOString() } },
    ]);
    expect(JSON.stringify(events)).not.toContain(STRONG_PASSWORD);
  });

  it('when users change their own password, then user_password_changed but no expiry', () => {
    const data = dataOf(decide(updateCommand({}, { actorId: USER_ID, password: STRONG_PASSWORD }), existing(), LATER), USER_PASSWORD_CHANGED);

    expect(data.password_expires_at).toBeNull();
  });

  it('when the new password is weak, then it is refused with the password error', () => {
    expect(validationErrors(updateCommand({}, { password: 'password' }), existing())).toEqual({ password: [WEAK_PASSWORD_MESSAGE] });
  });

  it('when the new password contains the new username, then it is weak (checked against the updated profile)', () => {
    expect(validationErrors(updateCommand({ username: 'trillian' }, { password: 'TRILLIAN-42!' }), existing())).toEqual({
      password: [WEAK_PASSWORD_MESSAGE],
    });
  });

  it('when an identity for a new provider is given, then it is added and the list is sorted by provider', () => {
    const state = given(userCreated({}, { identity: { provider: 'ldapmain', extern_uid: 'uid=jdoe' } }));

    const events = decide(updateCommand({}, { identity: { provider: 'github', extern_uid: '77' } }), state, LATER);

    expect(typesOf(events)).toEqual([USER_PROFILE_UPDATED]);
    expect(dataOf(events, USER_PROFILE_UPDATED).identities).toEqual([
      { provider: 'github', extern_uid: '77' },
      { provider: 'ldapmain', extern_uid: 'uid=jdoe' },
    ]);
    expect(dataOf(events, USER_PROFILE_UPDATED).changes).toEqual({});
  });

  it('when an identity for an existing provider is given, then its extern_uid is replaced', () => {
    const state = given(userCreated({}, { identity: { provider: 'github', extern_uid: '1' } }));

    const data = dataOf(decide(updateCommand({}, { identity: { provider: 'github', extern_uid: '2' } }), state, LATER), USER_PROFILE_UPDATED);

    expect(data.identities).toEqual([{ provider: 'github', extern_uid: '2' }]);
  });

  it('when the same identity is given again, then no event is emitted', () => {
    const state = given(userCreated({}, { identity: { provider: 'github', extern_uid: '1' } }));

    expect(decide(updateCommand({}, { identity: { provider: 'github', extern_uid: '1' } }), state, LATER)).toEqual([]);
  });

  it('given a private profile, when private_profile is set to null, then it goes back to the default (false)', () => {
    const state = given(userCreated({ private_profile: true }));

    expect(settingChanges(decide(updateCommand({ private_profile: null as unknown as boolean }), state, LATER))).toEqual({
      private_profile: { from: true, to: false },
    });
  });

  it('when the user becomes external, then can_create_group and projects_limit are forced too', () => {
    expect(settingChanges(decide(updateCommand({ external: true }), existing(), LATER))).toEqual({
      external: { from: false, to: true },
      can_create_group: { from: true, to: false },
      projects_limit: { from: 100_000, to: 0 },
    });
  });

  it('when an attribute becomes invalid, then UserInvalidError and no event', () => {
    expect(validationErrors(updateCommand({ theme_id: 50, discord: 'abc' }), existing())).toEqual({
      discord: ['must contain only a discord user ID.'],
      theme_id: ['50 is not a valid theme'],
    });
  });

  it('given no user, when updated, then UserNotFoundError', () => {
    const error = decideError(updateCommand({ bio: 'x' }), given());

    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error.code).toBe('identity.user_not_found');
    expect(error.message).toBe('404 User Not Found');
  });

  it('given a deleted user, when updated, then UserNotFoundError', () => {
    const created = userCreated();
    const [deleted] = decide(deleteCommand(), given(created), LATER);

    expect(decideError(updateCommand({ bio: 'x' }), given(created, deleted))).toBeInstanceOf(UserNotFoundError);
  });

  it('when the update is folded back, then the state has the new values', () => {
    const created = userCreated();
    const events = decide(updateCommand({ bio: 'folded', username: 'folded' }), given(created), LATER);

    expect(given(created, ...events).profile).toMatchObject({ bio: 'folded', username: 'folded' });
  });
});

// ---- delete ----------------------------------------------------------------------------------

describe('decide delete_user', () => {
  it('given a user, when soft-deleted, then user_deleted keeps the ghost user id', () => {
    const [event] = decide(deleteCommand({ hardDelete: false, ghostUserId: 99 }), given(userCreated()), LATER);

    expect(event.type).toBe(USER_DELETED);
    expect(event.data as UserDeletedData).toEqual({ id: USER_ID, username: 'jdoe', hard_delete: false, ghost_user_id: 99, deleted_at: LATER.toISOString() });
  });

  it('given a user, when hard-deleted, then there is no ghost user', () => {
    const [event] = decide(deleteCommand({ hardDelete: true, ghostUserId: 99 }), given(userCreated()), LATER);

    expect(event.data as UserDeletedData).toMatchObject({ hard_delete: true, ghost_user_id: null });
  });

  it('given no user, when deleted, then UserNotFoundError', () => {
    expect(decideError(deleteCommand(), given())).toBeInstanceOf(UserNotFoundError);
  });

  it('given an already deleted user, when deleted again, then UserNotFoundError', () => {
    const created = userCreated();
    const [deleted] = decide(deleteCommand(), given(created), LATER);

    expect(decideError(deleteCommand(), given(created, deleted))).toBeInstanceOf(UserNotFoundError);
  });

  it('given a renamed user, when deleted, then the event names the current username', () => {
    const created = userCreated();
    const [renamed] = decide(updateCommand({ username: 'renamed' }), given(created), LATER);

    const [event] = decide(deleteCommand(), given(created, renamed), LATER);

    expect((event.data as UserDeletedData).username).toBe('renamed');
  });
});

// ---- external users (GitLab `ensure_user_rights_and_limits`) ---------------------------------

describe('decide: external user rights and limits', () => {
  const external = () => given(userCreated({ external: true }, { skipConfirmation: true }));
  const internal = () => given(userCreated({ can_create_group: false, projects_limit: 5 }, { skipConfirmation: true }));

  it('given an external user, when an admin raises projects_limit, then it changes (the rule only runs when external changes)', () => {
    expect(settingChanges(decide(updateCommand({ projects_limit: 10 }), external(), LATER))).toEqual({ projects_limit: { from: 0, to: 10 } });
  });

  it('given an external user, when an admin allows group creation, then it changes', () => {
    expect(settingChanges(decide(updateCommand({ can_create_group: true, bio: 'x' }), external(), LATER))).toEqual({
      can_create_group: { from: false, to: true },
      bio: { from: '', to: 'x' },
    });
  });

  it('given an external user, when another attribute changes, then limits are not touched', () => {
    const state = given(userCreated({ external: true }, { skipConfirmation: true }), updatedEvent({ projects_limit: 3 }));
    expect(settingChanges(decide(updateCommand({ bio: 'x' }), state, LATER))).toEqual({ bio: { from: '', to: 'x' } });
  });

  it('when a user becomes external, then the forced values win over what the same update asked', () => {
    expect(settingChanges(decide(updateCommand({ external: true, projects_limit: 10, can_create_group: true }), internal(), LATER))).toEqual({
      external: { from: false, to: true },
      projects_limit: { from: 5, to: 0 },
    });
  });

  it('when an external user becomes internal, then the instance defaults come back', () => {
    expect(settingChanges(decide(updateCommand({ external: false }), external(), LATER))).toEqual({
      external: { from: true, to: false },
      can_create_group: { from: false, to: true },
      projects_limit: { from: 0, to: 100_000 },
    });
  });

  it('when an external user becomes internal with values in the same update, then values that change are kept', () => {
    // can_create_group=false equals the stored value, so (as with ActiveRecord's `changed?`) the default wins.
    expect(settingChanges(decide(updateCommand({ external: false, projects_limit: 7, can_create_group: false }), external(), LATER))).toEqual({
      external: { from: true, to: false },
      projects_limit: { from: 0, to: 7 },
      can_create_group: { from: false, to: true },
    });
  });

  it('when external is sent unchanged, then nothing is forced', () => {
    const state = given(userCreated({ external: true }, { skipConfirmation: true }), updatedEvent({ projects_limit: 3 }));
    expect(decide(updateCommand({ external: true }), state, LATER)).toEqual([]);
  });

  it('when a user becomes external with a negative projects_limit, then it is invalid (validation before the rule)', () => {
    expect(validationErrors(updateCommand({ external: true, projects_limit: -1 }), internal())).toEqual({
      projects_limit: ['must be greater than or equal to 0'],
    });
  });

  /** The event of an update, from the decider, for a user created external. */
  function updatedEvent(changes: Partial<UserProfile>): UserEvent {
    return decide(updateCommand(changes), external(), NOW)[0];
  }
});

// ---- public_email / commit_email ownership ---------------------------------------------------

describe('decide: public_email and commit_email must be verified addresses', () => {
  const confirmed = () => given(userCreated({}, { skipConfirmation: true }));
  const unconfirmed = () => given(userCreated());

  it('on create, a confirmed user may show the primary email publicly (any case)', () => {
    const data = createdData(decide(createCommand({ public_email: 'JDoe@Example.com' }, { skipConfirmation: true }), initialUserState, NOW));
    expect(data.public_email).toBe('JDoe@Example.com');
  });

  it('on create, an unconfirmed user may not: the primary email is not verified yet', () => {
    expect(validationErrors(createCommand({ public_email: 'jdoe@example.com' }))).toEqual({ public_email: [UNVERIFIED_EMAIL_MESSAGE] });
  });

  it('on create, another address is refused', () => {
    expect(validationErrors(createCommand({ public_email: 'other@example.com' }, { skipConfirmation: true }))).toEqual({
      public_email: [UNVERIFIED_EMAIL_MESSAGE],
    });
  });

  it('on update, public_email and commit_email with another address are refused with the same message', () => {
    expect(validationErrors(updateCommand({ public_email: 'x@example.com', commit_email: 'y@example.com' }), confirmed())).toEqual({
      public_email: [UNVERIFIED_EMAIL_MESSAGE],
      commit_email: [UNVERIFIED_EMAIL_MESSAGE],
    });
  });

  it('on update, the primary email of a confirmed user is accepted for both', () => {
    expect(settingChanges(decide(updateCommand({ public_email: 'jdoe@example.com', commit_email: 'jdoe@example.com' }), confirmed(), LATER))).toEqual({
      public_email: { from: null, to: 'jdoe@example.com' },
      commit_email: { from: null, to: 'jdoe@example.com' },
    });
  });

  it('on update of an unconfirmed user, the primary email is refused', () => {
    expect(validationErrors(updateCommand({ commit_email: 'jdoe@example.com' }), unconfirmed())).toEqual({
      commit_email: [UNVERIFIED_EMAIL_MESSAGE],
    });
  });

  it('"_private" is always an allowed commit email', () => {
    expect(settingChanges(decide(updateCommand({ commit_email: '_private' }), unconfirmed(), LATER))).toEqual({ commit_email: { from: null, to: '_private' } });
  });

  it('an empty commit_email clears it; an empty public_email is accepted', () => {
    const state = given(userCreated({}, { skipConfirmation: true }), decide(updateCommand({ commit_email: '_private' }), confirmed(), NOW)[0]);
    expect(settingChanges(decide(updateCommand({ commit_email: '', public_email: '' }), state, LATER))).toEqual({
      commit_email: { from: '_private', to: null },
      public_email: { from: null, to: '' },
    });
  });

  it('an address waiting for reconfirmation is not verified yet', () => {
    expect(validationErrors(updateCommand({ email: 'new@example.com', public_email: 'new@example.com' }), confirmed())).toEqual({
      public_email: [UNVERIFIED_EMAIL_MESSAGE],
    });
  });

  it('with skip_reconfirmation, the new primary email (still confirmed) is accepted in the same update', () => {
    const events = decide(updateCommand({ email: 'new@example.com', public_email: 'new@example.com' }, { skipReconfirmation: true }), confirmed(), LATER);
    expect(dataOf(events, USER_EMAIL_CHANGED).email).toEqual({ from: 'jdoe@example.com', to: 'new@example.com' });
    expect(dataOf(events, USER_PROFILE_UPDATED).changes).toEqual({ public_email: { from: null, to: 'new@example.com' } });
  });

  it('an unchanged public_email is not checked again (GitLab validates it only when it changes)', () => {
    const state = given(userCreated({ public_email: 'jdoe@example.com' }, { skipConfirmation: true }));
    const events = decide(updateCommand({ public_email: 'jdoe@example.com', email: 'new@example.com' }, { skipReconfirmation: true }), state, LATER);
    expect(typesOf(events)).toEqual([USER_EMAIL_CHANGED]);
    expect(dataOf(events, USER_EMAIL_CHANGED).email).toEqual({ from: 'jdoe@example.com', to: 'new@example.com' });
  });
});

// ---- avatar ----------------------------------------------------------------------------------

describe('decide: avatar uploads', () => {
  const SHA = 'a'.repeat(64);
  const avatar = (filename: string, size = 100) => ({ filename, size, sha256: SHA });

  it('on create, the event records the path and digest of the avatar', () => {
    const data = createdData(decide(createCommand({}, { avatar: avatar('me.png') }), initialUserState, NOW));
    expect(data.avatar).toEqual({ filename: 'me.png', path: `/uploads/-/system/user/avatar/${USER_ID}/me.png`, sha256: SHA });
  });

  it('without an upload, the event has no avatar', () => {
    expect(createdData(decide(createCommand(), initialUserState, NOW))).not.toHaveProperty('avatar');
  });

  it('the file name is sanitized like CarrierWave does', () => {
    const data = createdData(decide(createCommand({}, { avatar: avatar('../my face (1).JPG') }), initialUserState, NOW));
    expect(data.avatar?.filename).toBe('my_face__1_.JPG');
  });

  it.each(['me.svg', 'me.txt', 'me', 'me.png.exe'])('a file named "%s" has an unsupported format', (filename) => {
    expect(validationErrors(createCommand({}, { avatar: avatar(filename) }))).toEqual({ avatar: [AVATAR_FORMAT_MESSAGE] });
  });

  it.each(['a.png', 'a.jpg', 'a.jpeg', 'a.gif', 'a.bmp', 'a.tiff', 'a.ico', 'a.webp', 'A.PNG'])('"%s" is accepted', (filename) => {
    expect(createdData(decide(createCommand({}, { avatar: avatar(filename) }), initialUserState, NOW)).avatar?.filename).toBe(filename);
  });

  it('200 KiB is accepted; one byte more is too big', () => {
    expect(createdData(decide(createCommand({}, { avatar: avatar('a.png', 200 * 1024) }), initialUserState, NOW)).avatar).toBeDefined();
    expect(validationErrors(createCommand({}, { avatar: avatar('a.png', 200 * 1024 + 1) }))).toEqual({ avatar: [AVATAR_SIZE_MESSAGE] });
  });

  it('avatar errors come with the other attribute errors', () => {
    expect(validationErrors(createCommand({ bio: 'b'.repeat(256) }, { avatar: avatar('a.svg', 300_000) }))).toEqual({
      avatar: [AVATAR_FORMAT_MESSAGE, AVATAR_SIZE_MESSAGE],
      bio: ['is too long (maximum is 255 characters)'],
    });
  });

  it('on update, an upload alone emits user_avatar_changed with the path and digest', () => {
    const state = given(userCreated({}, { skipConfirmation: true }));
    expect(decide(updateCommand({}, { avatar: avatar('new.gif') }), state, LATER)).toEqual([
      {
        type: USER_AVATAR_CHANGED,
        schemaVersion: 1,
        data: {
          id: USER_ID,
          username: 'jdoe',
          avatar: { filename: 'new.gif', path: `/uploads/-/system/user/avatar/${USER_ID}/new.gif`, sha256: SHA },
          updated_at: LATER.toISOString(),
        },
      },
    ]);
  });

  it('on update, a bad avatar is a validation error', () => {
    const state = given(userCreated({}, { skipConfirmation: true }));
    expect(validationErrors(updateCommand({}, { avatar: avatar('new.pdf') }), state)).toEqual({ avatar: [AVATAR_FORMAT_MESSAGE] });
  });

  it('the avatar never becomes part of the folded profile', () => {
    const state = given(userCreated({}, { avatar: avatar('me.png') }));
    expect(state.profile).not.toHaveProperty('avatar');
  });
});
