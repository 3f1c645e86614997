/**
 * The named schemas of the OpenAPI document (`components.schemas`), in OpenAPI 3.1's JSON Schema:
 * a value that may be null has `type: [<type>, 'null']`. Entity schemas are closed
 * (`additionalProperties: false`) and require every key their presenter always writes, so a key
 * added to or dropped from a presenter breaks the contract test until the schema says so too.
 */

export type Schema = Record<string, unknown>;

/** A `$ref` to one of the schemas below. */
export const ref = (name: SchemaName): Schema => ({ $ref: `#/components/schemas/${name}` });

const text: Schema = { type: 'string' };
const textOrNull: Schema = { type: ['string', 'null'] };
const integer: Schema = { type: 'integer' };
const boolean: Schema = { type: 'boolean' };
const url: Schema = { type: 'string', format: 'uri' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const dateTimeOrNull: Schema = { type: ['string', 'null'], format: 'date-time' };
const dateOrNull: Schema = { type: ['string', 'null'], format: 'date' };
const noted = (schema: Schema, description: string): Schema => ({ ...schema, description });

const TOKEN_FIELDS: Record<string, Schema> = {
  id: integer,
  name: text,
  revoked: boolean,
  created_at: dateTime,
  description: textOrNull,
  scopes: { type: 'array', items: text },
  user_id: integer,
  last_used_at: noted(dateTimeOrNull, 'Updated by a job, at most once a minute'),
  active: noted(boolean, 'Not revoked and not expired'),
  expires_at: { type: ['string', 'null'], format: 'date' },
};

/** An object whose keys are `always` (required) and `sometimes` (present only in some answers), in presenter order. */
interface Keys {
  always: Record<string, Schema>;
  sometimes?: Record<string, Schema>;
}

function closedObject(description: string, ...tiers: Keys[]): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const tier of tiers) {
    for (const [name, schema] of Object.entries({ ...tier.always, ...tier.sometimes })) properties[name] = schema;
    required.push(...Object.keys(tier.always));
  }
  return { type: 'object', description, properties, required, additionalProperties: false };
}

/*
 * The user entity tiers, each the previous one plus its own keys (libs/identity/src/api/presenters).
 * Presenters write the keys in GitLab's order, interleaving conditional ones, so the tiers keep
 * that order here too (Swagger UI lists properties in declaration order).
 */
const BASIC_HEAD: Keys = {
  always: {
    id: integer,
    username: text,
    name: text,
    state: noted(text, 'active, blocked, deactivated, banned, ldap_blocked, blocked_pending_approval, …'),
    locked: boolean,
    avatar_url: noted(url, 'The uploaded avatar on EXTERNAL_URL, or a Gravatar URL'),
  },
  sometimes: {
    custom_attributes: noted({ type: 'array', items: ref('CustomAttribute') }, 'Only for admins who asked for `with_custom_attributes=true`'),
  },
};
const BASIC_TAIL: Keys = { always: { web_url: url } };

const USER: Keys = {
  always: {},
  sometimes: { created_at: noted(dateTime, 'Hidden when the profile is private, blocked or unconfirmed (shown to the user and admins)') },
};
const USER_PROFILE: Keys = {
  always: {
    bio: text,
    location: text,
    public_email: textOrNull,
    skype: text,
    linkedin: text,
    twitter: text,
    discord: text,
    website_url: text,
    organization: text,
    job_title: text,
    pronouns: textOrNull,
    bot: boolean,
    work_information: noted(textOrNull, '"<job_title> at <organization>", either one alone, or null'),
  },
  sometimes: {
    followers: noted(integer, 'Only when the profile is readable and the user allows following'),
    following: noted(integer, 'Only when the profile is readable and the user allows following'),
    is_followed: noted(boolean, "Only to a signed-in caller looking at someone else's readable profile"),
  },
};
const USER_TAIL: Keys = { always: { local_time: noted(textOrNull, "Now in the user's time zone, e.g. \"2:30 PM\"; null without a zone") } };

const PUBLIC: Keys = {
  always: {
    last_sign_in_at: dateTimeOrNull,
    confirmed_at: dateTimeOrNull,
    last_activity_on: dateOrNull,
    email: text,
    theme_id: integer,
    color_scheme_id: integer,
    projects_limit: integer,
    current_sign_in_at: dateTimeOrNull,
    identities: { type: 'array', items: ref('Identity') },
    can_create_group: boolean,
    can_create_project: boolean,
    two_factor_enabled: boolean,
    external: boolean,
    private_profile: boolean,
    commit_email: noted(text, 'The commit email, the private no-reply address, or the primary email'),
    preferred_language: text,
  },
};
const WITH_ADMIN: Keys = {
  always: {
    is_admin: boolean,
    note: textOrNull,
    namespace_id: integer,
    created_by: noted({ anyOf: [ref('UserBasic'), { type: 'null' }] }, 'The admin who created the user'),
    email_reset_offered_at: dateTimeOrNull,
  },
};
const DETAILS: Keys = {
  always: {
    highest_role: noted(integer, 'Always 0 (no memberships in this service)'),
    current_sign_in_ip: textOrNull,
    last_sign_in_ip: textOrNull,
    sign_in_count: integer,
  },
};

const USER_TIERS = [BASIC_HEAD, BASIC_TAIL, USER, USER_PROFILE, USER_TAIL];

/** The standard error bodies GitLab answers with; every 4xx and 503 is one of them. */
const ERROR: Schema = {
  description:
    'GitLab\'s error body: `{"message": text}`, `{"message": {"attribute": ["problem", …]}}`, `{"message": {"error": text}}` (429), `{"error": text}`, or the token errors `{"error": "invalid_token", "error_description": …}` and `{"error": "insufficient_scope", "error_description": …, "scope": …}`',
  oneOf: [
    {
      type: 'object',
      properties: {
        message: {
          anyOf: [
            text,
            { type: 'object', additionalProperties: { type: 'array', items: text } },
            { type: 'object', properties: { error: text }, required: ['error'], additionalProperties: false },
          ],
        },
      },
      required: ['message'],
      additionalProperties: false,
    },
    { type: 'object', properties: { error: { type: 'string', not: { enum: ['invalid_token', 'insufficient_scope'] } } }, required: ['error'], additionalProperties: false },
    {
      type: 'object',
      properties: { error: { const: 'invalid_token' }, error_description: text },
      required: ['error', 'error_description'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { error: { const: 'insufficient_scope' }, error_description: text, scope: noted(text, 'The scopes the endpoint accepts, space-separated') },
      required: ['error', 'error_description', 'scope'],
      additionalProperties: false,
    },
  ],
};

const probe: Schema = { type: 'string', enum: ['ok', 'failed'] };

export const COMPONENT_SCHEMAS = {
  UserBasic: closedObject('Entity `UserBasic`: what anyone sees of a user in lists (and `created_by`)', BASIC_HEAD, BASIC_TAIL),
  User: closedObject('Entity `User`: a single user as a signed-in non-admin sees it', ...USER_TIERS),
  UserPublic: closedObject('Entity `UserPublic`: your own record (`GET /user`)', ...USER_TIERS, PUBLIC),
  UserWithAdmin: closedObject('Entity `UserWithAdmin`: lists, writes and `GET /user` answered to admins', ...USER_TIERS, PUBLIC, WITH_ADMIN),
  UserDetailsWithAdmin: closedObject('Entity `UserDetailsWithAdmin`: a single user as an admin sees it', ...USER_TIERS, PUBLIC, WITH_ADMIN, DETAILS),
  Identity: closedObject('An external identity linked to a user', { always: { provider: text, extern_uid: text } }),
  CustomAttribute: closedObject('A custom attribute (admins only)', { always: { key: text, value: text } }),
  PersonalAccessTokenWithToken: closedObject('A new personal access token; `token` is in this answer only (only its digest is stored)', { always: { ...TOKEN_FIELDS, token: text } }),
  PersonalAccessToken: closedObject('Entity `PersonalAccessToken` (never the token itself)', { always: TOKEN_FIELDS }),
  ImpersonationToken: closedObject('Entity `ImpersonationToken`', { always: { ...TOKEN_FIELDS, impersonation: { const: true } } }),
  ImpersonationTokenWithToken: closedObject('A new impersonation token; `token` is in this answer only', { always: { ...TOKEN_FIELDS, impersonation: { const: true }, token: text } }),
  UserPreferences: closedObject('Entity `UserPreferences` of the current user', {
    always: { id: integer, user_id: integer, view_diffs_file_by_file: boolean, show_whitespace_in_diffs: boolean, pass_user_identities_to_ci_jwt: boolean },
  }),
  AuditEvent: closedObject('An instance audit event', {
    always: {
      id: integer,
      author_id: integer,
      entity_id: integer,
      entity_type: text,
      event_name: text,
      details: noted({ type: 'object' }, 'What changed; its keys depend on the event'),
      created_at: dateTime,
    },
  }),
  ModerationResult: {
    description:
      'What a state action answers, as GitLab does: `true` for a transition (and for `activate` on an active user), `null` when `block` or `deactivate` finds the user already so, `false` when `unblock` finds nothing to undo',
    type: ['boolean', 'null'],
  },
  SuccessMessage: closedObject('`{"message":"Success"}`: the answer of `approve` (201) and `reject` (200)', { always: { message: { const: 'Success' } } }),
  SignedUpUser: closedObject('A new self-service user', {
    always: { id: integer, username: text, name: text, email: text, state: { type: 'string', enum: ['active', 'blocked_pending_approval'] } },
  }),
  SSHKey: closedObject('Entity `SSHKey`: `key` is the published key, its comment replaced by the owner\'s name and this host', {
    always: {
      id: integer,
      title: text,
      created_at: dateTime,
      expires_at: dateTimeOrNull,
      last_used_at: noted(dateTimeOrNull, 'Always null: this service does not serve SSH'),
      key: text,
      usage_type: { type: 'string', enum: ['auth', 'signing', 'auth_and_signing'] },
    },
  }),
  GpgKey: closedObject('Entity `GpgKey`: the armored public key as stored (its fingerprint, key ids and e-mails are kept, not shown)', {
    always: { id: integer, key: text, created_at: dateTime },
  }),
  Email: closedObject('Entity `Email`: a secondary address (the primary one is not listed)', {
    always: { id: integer, email: text, confirmed_at: noted(dateTimeOrNull, 'Null until confirmed') },
  }),
  TotpEnrolment: closedObject('A new TOTP secret (shown this once) and the `otpauth://` URI an authenticator app scans', { always: { secret: text, provisioning_uri: text } }),
  TwoFactorEnabled: closedObject('Two-factor is on; the recovery codes are shown this once (only their digests are kept)', {
    always: { two_factor_enabled: { const: true }, recovery_codes: { type: 'array', items: text } },
  }),
  RunnerRegistration: closedObject('Entity `Ci::RunnerRegistrationDetails`: the new runner and its `glrt-` token (shown this once)', {
    always: { id: integer, token: text, token_expires_at: dateTimeOrNull },
  }),
  UserStatus: closedObject('Entity `UserStatus`; a user without a status shows every field null and `message_html` empty', {
    always: {
      emoji: noted(textOrNull, 'An emoji name (`speech_balloon` when set without one)'),
      message: textOrNull,
      availability: { type: ['string', 'null'], enum: ['not_set', 'busy', null] },
      message_html: noted(text, 'The message HTML-escaped, with each `:emoji:` name and emoji character as a `<gl-emoji>` element'),
      clear_status_at: noted(dateTimeOrNull, 'When the status clears itself (from `clear_status_after`); never served after that time'),
    },
  }),
  UserActivity: closedObject('Entity `UserActivity`: the day a user was last active (`last_activity_at` repeats it, as GitLab keeps it for older clients)', {
    always: { username: text, last_activity_on: { type: 'string', format: 'date' }, last_activity_at: { type: 'string', format: 'date' } },
  }),
  Membership: closedObject("Entity `Membership`: a user's direct membership of a project or group, as the service owning it reported", {
    always: { source_id: integer, source_name: text, source_type: { enum: ['Project', 'Namespace'] }, access_level: noted(integer, '5 minimal access, 10 guest, 15 planner, 20 reporter, 30 developer, 40 maintainer, 50 owner') },
  }),
  AssociationsCount: closedObject('Direct group and project memberships, and the issues and merge requests the user opened', {
    always: { groups_count: integer, projects_count: integer, issues_count: integer, merge_requests_count: integer },
  }),
  UserCounts: closedObject("The caller's open assigned issues and merge requests, review requests and pending to-dos, as last reported (`merge_requests` repeats `assigned_merge_requests`, as GitLab keeps it)", {
    always: { merge_requests: integer, assigned_issues: integer, assigned_merge_requests: integer, review_requested_merge_requests: integer, todos: integer },
  }),
  Event: closedObject('Entity `Event`: a contribution event (`note`, `push_data`, `wiki_page` only for comments, pushes and wiki events)', {
    always: {
      id: integer,
      project_id: { type: ['integer', 'null'] },
      action_name: text,
      target_id: { type: ['integer', 'null'] },
      target_iid: { type: ['integer', 'null'] },
      target_type: textOrNull,
      author_id: integer,
      target_title: textOrNull,
      created_at: dateTime,
    },
    sometimes: { note: { type: 'object' }, author: { $ref: '#/components/schemas/UserBasic' }, wiki_page: { type: 'object' }, push_data: { type: 'object' } },
  }, { always: { author_username: textOrNull } }),
  IngestionResult: closedObject('What a batch did: items received, recorded now, and already recorded before (skipped)', {
    always: { source: text, received: integer, recorded: integer, duplicates: integer },
  }),
  ActiveUsers: closedObject('Users active on a day or in a month, as computed by the rollup at `computed_at`', {
    always: { period: { enum: ['day', 'month'] }, period_start: { type: 'string', format: 'date' }, active_users: integer, computed_at: dateTime },
  }),
  NoStatus: { description: '`null`: the status was cleared (or an empty PATCH changed nothing), as GitLab answers', type: 'null' },
  FollowingPreference: closedObject('Whether the user can follow and be followed (`enabled_following`)', { always: { enabled_following: boolean } }),
  Accepted: { description: 'The number `202`: what GitLab\'s revoke endpoints answer', const: 202 },
  Error: ERROR,
  Liveness: closedObject('The process answers', { always: { status: { const: 'ok' } } }),
  Readiness: closedObject('Whether PostgreSQL and Redis answer', {
    always: {
      status: probe,
      master_check: { type: 'array', items: closedObject('The overall check', { always: { status: probe } }) },
      postgres: probe,
      redis: probe,
    },
  }),
} satisfies Record<string, Schema>;

export type SchemaName = keyof typeof COMPONENT_SCHEMAS;
