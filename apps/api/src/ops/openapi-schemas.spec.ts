import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
// The presenters are the other side of this contract: a test may reach into the context for them.
import {
  userBasic,
  userDetailsWithAdmin,
  userEntity,
  userPublic,
  userWithAdmin,
  type PresenterContext,
  type Viewer,
} from '../../../../libs/identity/src/api/presenters/user-entities.js';
import type { UserRow } from '../../../../libs/identity/src/infrastructure/user-row.js';
import { COMPONENT_SCHEMAS, type SchemaName } from './openapi-schemas.js';

const BASE = 'https://openapi.invalid/document.json';
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
// The document's schemas live under `components`, which is no JSON Schema keyword.
ajv.addKeyword('components');
ajv.addSchema({ $id: BASE, components: { schemas: COMPONENT_SCHEMAS } });

function problems(name: SchemaName, value: unknown): string[] {
  const validate = ajv.getSchema(`${BASE}#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}

const CTX: PresenterContext = { externalUrl: 'https://gitlab.example.com', now: new Date('2026-11-21T14:30:00.000Z') };
const ADMIN: Viewer = { id: 1, isAdmin: true };
const OTHER: Viewer = { id: 2, isAdmin: false };
const SELF: Viewer = { id: 42, isAdmin: false };

/** A user row with every nullable column set, so that no key is left out for being empty. */
function row(overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: 42,
    username: 'jdoe',
    email: 'jdoe@example.com',
    name: 'John Doe',
    admin: false,
    external: false,
    bio: 'bio',
    location: 'Lyon',
    public_email: 'jdoe@example.com',
    skype: 'jdoe',
    linkedin: 'jdoe',
    twitter: 'jdoe',
    discord: '12345678901234567',
    website_url: 'https://example.com',
    organization: 'ACME',
    job_title: 'Dev',
    pronouns: 'they/them',
    private_profile: false,
    theme_id: 3,
    color_scheme_id: 1,
    projects_limit: 10,
    can_create_group: true,
    note: 'note',
    commit_email: '_private',
    view_diffs_file_by_file: false,
    unconfirmed_email: null,
    state: 'active',
    locked: false,
    user_type: 'human',
    confirmed_at: new Date('2026-01-01T00:00:00.000Z'),
    two_factor_enabled: false,
    preferred_language: 'en',
    namespace_id: 77,
    created_by_id: 1,
    email_reset_offered_at: new Date('2026-02-01T00:00:00.000Z'),
    timezone: 'UTC',
    avatar_path: '/uploads/-/system/user/avatar/42/a.png',
    last_sign_in_at: new Date('2026-03-01T00:00:00.000Z'),
    current_sign_in_at: new Date('2026-03-02T00:00:00.000Z'),
    last_sign_in_ip: '10.0.0.1',
    current_sign_in_ip: '10.0.0.2',
    sign_in_count: 5,
    last_activity_on: '2026-11-20',
    followers_count: 3,
    following_count: 4,
    enabled_following: true,
    created_at: new Date('2026-01-01T00:00:00.000Z'),
    updated_at: new Date('2026-01-02T00:00:00.000Z'),
    identities: [{ provider: 'github', extern_uid: '1' }],
    created_by: { id: 1, username: 'root', name: 'Administrator', state: 'active', locked: false, email: 'admin@example.com', avatar_path: null },
    custom_attributes: [{ key: 'team', value: 'blue' }],
    ...overrides,
  };
}

/** The same row as a fresh user has it: every nullable column null, no custom attributes asked for. */
const bare = (): UserRow => {
  const { custom_attributes: _asked, ...rest } = row({
    public_email: null,
    pronouns: null,
    note: null,
    commit_email: null,
    job_title: '',
    organization: '',
    timezone: null,
    avatar_path: null,
    last_sign_in_at: null,
    current_sign_in_at: null,
    last_sign_in_ip: null,
    current_sign_in_ip: null,
    email_reset_offered_at: null,
    last_activity_on: null,
    confirmed_at: null,
    identities: [],
    created_by: null,
  });
  return rest;
};

const TIERS: [SchemaName, (subject: UserRow, viewer: Viewer) => Record<string, unknown>][] = [
  ['UserBasic', (subject) => userBasic(subject, CTX)],
  ['User', (subject, viewer) => userEntity(subject, viewer, CTX, true)],
  ['UserPublic', (subject, viewer) => userPublic(subject, viewer, CTX)],
  ['UserWithAdmin', (subject, viewer) => userWithAdmin(subject, viewer, CTX)],
  ['UserDetailsWithAdmin', (subject, viewer) => userDetailsWithAdmin(subject, viewer, CTX)],
];

describe('user entity schemas against the presenters', () => {
  it.each(TIERS)('%s: a row with every optional key shown validates, and the schema names exactly its keys', (name, present) => {
    const entity = present(row(), OTHER);
    const schema = COMPONENT_SCHEMAS[name] as { properties: Record<string, unknown> };

    expect(problems(name, entity)).toEqual([]);
    // Seen by another user with everything shown, a presenter writes every key its tier has.
    expect(Object.keys(entity)).toEqual(Object.keys(schema.properties));
  });

  it.each(TIERS)('%s: a fresh user (nulls, no identities, hidden profile) validates too', (name, present) => {
    expect(problems(name, present(bare(), OTHER))).toEqual([]);
    expect(problems(name, present(row({ private_profile: true, enabled_following: false }), OTHER))).toEqual([]);
    expect(problems(name, present(row(), SELF))).toEqual([]);
    expect(problems(name, present(row(), ADMIN))).toEqual([]);
  });

  it.each(TIERS)('%s: a key the schema does not know, or a missing key it requires, is refused', (name, present) => {
    const entity = present(row(), OTHER);
    const { id: _id, ...withoutId } = entity;

    expect(problems(name, { ...entity, added_later: 1 })).toEqual([expect.stringContaining('must NOT have additional properties')]);
    expect(problems(name, withoutId)).toEqual([expect.stringContaining("must have required property 'id'")]);
  });

  it('each tier validates against its own schema only, so `oneOf` answers are unambiguous', () => {
    for (const [name, present] of TIERS) {
      const entity = present(row(), ADMIN);
      const matching = TIERS.map(([other]) => other).filter((other) => problems(other, entity).length === 0);
      expect({ name, matching }).toEqual({ name, matching: [name] });
    }
  });

  it('created_by is a UserBasic or null', () => {
    expect(problems('UserWithAdmin', { ...userWithAdmin(row(), ADMIN, CTX), created_by: { id: 1 } })).not.toEqual([]);
    expect(problems('UserWithAdmin', userWithAdmin(row({ created_by: null }), ADMIN, CTX))).toEqual([]);
  });
});

describe('the error schema', () => {
  it.each([
    [{ message: '404 User Not Found' }],
    [{ message: { password: ['is too short (minimum is 8 characters)'] } }],
    [{ message: { error: 'This endpoint has been requested too many times. Try again later.' } }],
    [{ error: 'email is missing, name is missing' }],
    [{ error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' }],
    [{ error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api read_api' }],
  ])('accepts GitLab error body %j', (body) => {
    expect(problems('Error', body)).toEqual([]);
  });

  it.each([[{}], [{ message: 1 }], [{ error: 'invalid_token' }], [{ message: 'x', detail: 'y' }], [[]], ['text']])('refuses %j', (body) => {
    expect(problems('Error', body)).not.toEqual([]);
  });
});
