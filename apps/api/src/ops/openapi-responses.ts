import type { AuthMode } from '@app/shared';
import { ref, type Schema, type SchemaName } from './openapi-schemas.js';

/**
 * What each operation answers, keyed by operationId (`<Controller>.<method>`). The document builder
 * refuses to build when an operation of the application has no entry here, or an entry names no
 * operation, so a new endpoint cannot ship with undocumented answers.
 */

type SuccessStatus = 200 | 201 | 202 | 204 | 304;
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 422 | 429 | 431 | 503;

interface Success {
  status: SuccessStatus;
  description: string;
  /** A JSON body: a named schema, or an array of one (list endpoints). */
  json?: SchemaName | { arrayOf: SchemaName } | { oneOf: SchemaName[] } | { arrayOfOneOf: SchemaName[] };
  /** Bodies in other media types. */
  content?: Record<string, Schema>;
}

export interface OperationResponses {
  summary: string;
  success: Success[];
  errors: ErrorStatus[];
  /** Why this operation answers a status, where the shared wording does not say enough. */
  notes?: Partial<Record<ErrorStatus | SuccessStatus, string>>;
  /** Offset pagination (`page`, `per_page`), or either that or `pagination=keyset` with `cursor`. */
  pagination?: 'offset' | 'offset_or_keyset';
  /** Request headers the operation reads. */
  headers?: Schema[];
  /** A JSON body its `@Param` declarations cannot describe (a batch of items). */
  jsonBody?: Schema;
}

const ERROR_MEANINGS: Record<ErrorStatus, string> = {
  400: 'A parameter is missing or invalid, or the request cannot be read (a body that does not parse, a NUL byte or a lone UTF-16 surrogate anywhere)',
  401: 'No valid token: none where one is required, or an unknown, revoked or expired one; or `sudo` without a token',
  403: 'Not allowed: the token lacks the scope (`insufficient_scope`), the caller is not an admin, or the account is blocked, deactivated or internal',
  404: 'Not found: the record, a path id that is not all digits (`{"error":"404 Not Found"}`), or the `sudo` user',
  405: 'Method not allowed for these parameters',
  409: 'Conflict: a write that still collides with concurrent writes after its retries; retry it',
  412: 'The record changed after the `If-Unmodified-Since` date',
  413: 'The request body, or an uploaded file, is over the size limit (`BODY_LIMIT_BYTES`)',
  422: 'The record cannot be saved as asked',
  429: 'Rate limited: retry after `Retry-After` seconds',
  431: 'The request headers are over 16 KiB',
  503: 'The database connection was lost; retry after `Retry-After` seconds',
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'integer' } } };
const ERROR_HEADERS: Partial<Record<ErrorStatus, Schema>> = { 429: retryAfter, 503: retryAfter };

/** Answered before any route is chosen: unreadable requests, oversized bodies and headers. */
const REQUEST_ERRORS: ErrorStatus[] = [400, 413, 431];
/** Every token-authenticated operation: the request errors, the token and `sudo` checks, a lost database. */
const READ_ERRORS: ErrorStatus[] = [...REQUEST_ERRORS, 401, 403, 404, 503];
/** Writes append events: a write colliding with others past its retries is a 409. */
const WRITE_ERRORS: ErrorStatus[] = [...READ_ERRORS, 409];

const positiveId: Schema = { type: 'integer', minimum: 1 };
const time: Schema = { type: 'string', format: 'date-time', description: 'ISO 8601 with a zone' };
const count: Schema = { type: 'integer', minimum: 0 };
/** What `POST /admin/activity/batches` reads (libs/activity/src/domain/ingestion/ingestion-batch.ts checks it). */
const INGESTION_BATCH: Schema = {
  type: 'object',
  required: ['source', 'items'],
  properties: {
    source: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 100, description: 'The sending system; item ids are unique per source' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        oneOf: [
          {
            type: 'object',
            description: 'A direct membership of a project or group (`removed`: it ended; `requested`: an access request); the newest report wins',
            required: ['id', 'kind', 'user_id', 'source_type', 'source_id'],
            properties: {
              id: { type: ['string', 'integer'], maxLength: 255 },
              kind: { const: 'membership' },
              user_id: positiveId,
              source_type: { enum: ['Project', 'Namespace'] },
              source_id: positiveId,
              source_name: { type: 'string', maxLength: 255, description: 'Required unless removed' },
              access_level: { enum: [5, 10, 15, 20, 30, 40, 50], description: 'Required unless removed' },
              requested: { type: 'boolean' },
              removed: { type: 'boolean' },
              occurred_at: time,
            },
          },
          {
            type: 'object',
            description: 'A contribution event, as the Events API shows it',
            required: ['id', 'kind', 'author_id', 'action', 'created_at'],
            properties: {
              id: { type: ['string', 'integer'], maxLength: 255 },
              kind: { const: 'contribution' },
              author_id: positiveId,
              action: { enum: ['created', 'updated', 'closed', 'reopened', 'pushed', 'commented', 'merged', 'joined', 'left', 'destroyed', 'expired', 'approved'] },
              created_at: time,
              project_id: positiveId,
              project_visibility: { enum: ['public', 'internal', 'private'], default: 'private' },
              target_type: {
                enum: ['Issue', 'Milestone', 'MergeRequest', 'Note', 'DiffNote', 'DiscussionNote', 'Project', 'Snippet', 'User', 'WikiPage::Meta', 'DesignManagement::Design'],
              },
              target_id: positiveId,
              target_iid: positiveId,
              target_title: { type: 'string', maxLength: 255 },
              push_data: {
                type: 'object',
                description: 'Required for `pushed`',
                required: ['commit_count', 'action', 'ref_type'],
                properties: {
                  commit_count: count,
                  action: { enum: ['pushed', 'created', 'removed'] },
                  ref_type: { enum: ['branch', 'tag'] },
                  commit_from: { type: 'string' },
                  commit_to: { type: 'string' },
                  ref: { type: 'string' },
                  commit_title: { type: 'string' },
                  ref_count: positiveId,
                },
              },
              note: { type: 'object', description: 'Shown as sent for note targets' },
              wiki_page: { type: 'object', description: 'Shown as sent for wiki targets' },
            },
          },
          {
            type: 'object',
            description: 'The figures of `GET /user_counts` for a user; the newest report wins',
            required: ['id', 'kind', 'user_id', 'assigned_issues', 'assigned_merge_requests', 'review_requested_merge_requests', 'todos'],
            properties: {
              id: { type: ['string', 'integer'], maxLength: 255 },
              kind: { const: 'user_counts' },
              user_id: positiveId,
              assigned_issues: count,
              assigned_merge_requests: count,
              review_requested_merge_requests: count,
              todos: count,
              occurred_at: time,
            },
          },
        ],
      },
    },
  },
};

const IF_UNMODIFIED_SINCE: Schema = {
  name: 'If-Unmodified-Since',
  in: 'header',
  required: false,
  description: 'An HTTP date: the deletion is refused with 412 when the record changed after it',
  schema: { type: 'string' },
};

export const OPERATION_RESPONSES: Record<string, OperationResponses> = {
  'HealthController.liveness': {
    summary: 'Liveness: the process answers',
    success: [{ status: 200, description: 'Alive', json: 'Liveness' }],
    errors: REQUEST_ERRORS,
  },
  'HealthController.health': {
    summary: 'Health: PostgreSQL and Redis answer (same as readiness)',
    success: [{ status: 200, description: 'PostgreSQL and Redis answer', json: 'Readiness' }],
    errors: [...REQUEST_ERRORS, 503],
    notes: { 503: 'PostgreSQL or Redis does not answer; the body is a `Readiness` naming which' },
  },
  'HealthController.readiness': {
    summary: 'Readiness: PostgreSQL and Redis answer',
    success: [{ status: 200, description: 'PostgreSQL and Redis answer', json: 'Readiness' }],
    errors: [...REQUEST_ERRORS, 503],
    notes: { 503: 'PostgreSQL or Redis does not answer; the body is a `Readiness` naming which' },
  },
  'MetricsController.metrics': {
    summary: 'Prometheus metrics',
    success: [{ status: 200, description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } }],
    errors: REQUEST_ERRORS,
  },
  'AvatarsController.show': {
    summary: "A user's uploaded avatar (public)",
    success: [
      { status: 200, description: 'The image; `ETag` is its SHA-256', content: { 'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } } } },
      { status: 304, description: '`If-None-Match` named the current `ETag`' },
    ],
    errors: [...REQUEST_ERRORS, 404, 503],
    notes: { 404: 'No such avatar (it was replaced, or the user is gone), or an id that is not all digits' },
  },
  'UsersController.list': {
    summary: 'List users',
    success: [{ status: 200, description: '`UserWithAdmin` for admins, `UserBasic` for everyone else', json: { arrayOfOneOf: ['UserWithAdmin', 'UserBasic'] } }],
    errors: [...READ_ERRORS, 405],
    pagination: 'offset_or_keyset',
    notes: {
      403: 'Anonymous without `username`, a non-admin looking up `extern_uid` + `provider`, or the token checks',
      405: 'An offset past 50,000 users (use `pagination=keyset`), or keyset pagination of a search without `order_by`/`sort`',
    },
  },
  'UsersController.show': {
    summary: 'A single user',
    success: [{ status: 200, description: '`UserDetailsWithAdmin` for admins, `User` for everyone else', json: { oneOf: ['UserDetailsWithAdmin', 'User'] } }],
    errors: [...READ_ERRORS, 429],
    notes: {
      403: 'Anonymous callers, or the token checks',
      429: 'A signed-in non-admin over `USERS_GET_BY_ID_LIMIT` requests per `USERS_GET_BY_ID_INTERVAL_SECONDS`',
    },
  },
  'UsersController.current': {
    summary: 'The current user',
    success: [{ status: 200, description: '`UserWithAdmin` for admins, `UserPublic` for everyone else', json: { oneOf: ['UserWithAdmin', 'UserPublic'] } }],
    errors: READ_ERRORS,
  },
  'UsersController.create': {
    summary: 'Create a user (admin)',
    success: [{ status: 201, description: 'The new user', json: 'UserWithAdmin' }],
    errors: WRITE_ERRORS,
    notes: { 409: 'The email, then the username, is taken; or concurrent writes collided past the retries' },
  },
  'UsersController.update': {
    summary: 'Change a user (admin); only the attributes sent change',
    success: [{ status: 200, description: 'The user as changed', json: 'UserWithAdmin' }],
    errors: WRITE_ERRORS,
    notes: { 409: 'The email or username is taken; or concurrent writes collided past the retries' },
  },
  'UsersController.remove': {
    summary: 'Delete a user (admin); contributions go to the ghost user unless `hard_delete`',
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
    notes: { 403: 'The ghost user cannot be deleted, not an admin, or the token checks' },
  },
  'IdentitiesController.remove': {
    summary: "Unlink one of a user's external identities (admin)",
    success: [{ status: 204, description: 'Unlinked' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
    notes: { 404: '`404 Identity Not Found` when that provider is not linked, the user is missing, or the token checks' },
  },
  'PersonalAccessTokensController.create': {
    summary: 'Create a personal access token for a user (admin)',
    success: [{ status: 201, description: 'The token, shown this once', json: 'PersonalAccessTokenWithToken' }],
    errors: [...WRITE_ERRORS, 422],
    notes: { 422: 'A blank name or scopes, a name or description over 255 characters, or `expires_at` more than a year away' },
  },
  'ModerationController.block': {
    summary: 'Block a user (admin)',
    success: [{ status: 201, description: '`true`: blocked; `null`: already blocked, pending approval or banned', json: 'ModerationResult' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin (`403 Forbidden`, before the user is looked up); or refused by the state machine: An LDAP-blocked user, yourself, or an internal user (ghost, bots)' },
  },
  'ModerationController.unblock': {
    summary: 'Unblock a user (admin): also un-bans a banned user and activates a pending one',
    success: [{ status: 201, description: '`true`: now active; `false`: the user was active already', json: 'ModerationResult' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin (`403 Forbidden`, before the user is looked up); or refused by the state machine: An LDAP-blocked or a deactivated user' },
  },
  'ModerationController.deactivate': {
    summary: 'Deactivate a dormant user (admin)',
    success: [{ status: 201, description: '`true`: deactivated; `null`: already deactivated', json: 'ModerationResult' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin (`403 Forbidden`, before the user is looked up); or refused by the state machine: A blocked user, an internal user, or one active within `DEACTIVATE_DORMANT_USERS_PERIOD_DAYS` (yourself included)' },
  },
  'ModerationController.activate': {
    summary: 'Activate a deactivated user (admin)',
    success: [{ status: 201, description: '`true` (also when the user was active already)', json: 'ModerationResult' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin (`403 Forbidden`, before the user is looked up); or refused by the state machine: A blocked, LDAP-blocked, pending or banned user' },
  },
  'ModerationController.ban': {
    summary: 'Ban an active user (admin)',
    success: [{ status: 201, description: '`true`: banned', json: 'ModerationResult' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin (`403 Forbidden`, before the user is looked up); or refused by the state machine: A user who is not active, or yourself' },
  },
  'ModerationController.unban': {
    summary: 'Unban a banned user (admin)',
    success: [{ status: 201, description: '`true`: active again', json: 'ModerationResult' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin (`403 Forbidden`, before the user is looked up); or refused by the state machine: A user who is not banned' },
  },
  'ModerationController.approve': {
    summary: 'Approve a user awaiting approval (admin); the user becomes active',
    success: [{ status: 201, description: '`{"message":"Success"}`', json: 'SuccessMessage' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin: `{"message":"You are not allowed to approve a user"}` (after the 404)', 409: 'The user is not pending approval' },
  },
  'ModerationController.reject': {
    summary: "Reject a user awaiting approval (admin); the user is deleted (hard) shortly after",
    success: [{ status: 200, description: '`{"message":"Success"}`', json: 'SuccessMessage' }],
    errors: WRITE_ERRORS,
    notes: { 403: 'A non-admin: `{"message":"You are not allowed to reject a user"}` (after the 404)', 409: 'The user has no pending request' },
  },
  'SignUpController.signUp': {
    summary: 'Sign up (an extension, off unless `SIGNUP_ENABLED=true`); pending approval when `REQUIRE_ADMIN_APPROVAL_AFTER_USER_SIGNUP=true`',
    success: [{ status: 201, description: 'The new user and their state', json: 'SignedUpUser' }],
    errors: [...REQUEST_ERRORS, 404, 409, 429, 503],
    notes: { 404: 'Sign-up is not enabled', 409: 'The email or username is taken', 429: 'Too many sign-ups from this IP address (`SIGNUP_LIMIT` per `SIGNUP_INTERVAL_SECONDS`)' },
  },
  'CustomAttributesController.list': {
    summary: "A user's custom attributes (admin)",
    success: [{ status: 200, description: 'Every custom attribute of the user', json: { arrayOf: 'CustomAttribute' } }],
    errors: READ_ERRORS,
  },
  'CustomAttributesController.show': {
    summary: 'One custom attribute (admin)',
    success: [{ status: 200, description: 'The custom attribute', json: 'CustomAttribute' }],
    errors: READ_ERRORS,
  },
  'CustomAttributesController.set': {
    summary: 'Set a custom attribute (admin)',
    success: [{ status: 200, description: 'The custom attribute as stored', json: 'CustomAttribute' }],
    errors: WRITE_ERRORS,
  },
  'CustomAttributesController.remove': {
    summary: 'Delete a custom attribute (admin)',
    success: [{ status: 204, description: 'Deleted' }],
    errors: WRITE_ERRORS,
  },
  'SshKeysController.listOwn': {
    summary: "The current user's SSH keys",
    success: [{ status: 200, description: 'The keys, oldest first', json: { arrayOf: 'SSHKey' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'SshKeysController.showOwn': {
    summary: "One of the current user's SSH keys",
    success: [{ status: 200, description: 'The key', json: 'SSHKey' }],
    errors: READ_ERRORS,
    notes: { 404: "`404 Key Not Found`: no such key, or another user's (admins too)" },
  },
  'SshKeysController.addOwn': {
    summary: 'Add an SSH key for the current user',
    success: [{ status: 201, description: 'The key', json: 'SSHKey' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'A missing or invalid parameter, or the key refused: not a key, a forbidden type, too few bits, expired, or some user has it already' },
  },
  'SshKeysController.deleteOwn': {
    summary: "Delete one of the current user's SSH keys",
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
  },
  'SshKeysController.listOfUser': {
    summary: "A user's SSH keys, by id or username (no token needed)",
    success: [{ status: 200, description: 'The keys, oldest first', json: { arrayOf: 'SSHKey' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'SshKeysController.showOfUser': {
    summary: "One of a user's SSH keys (no token needed)",
    success: [{ status: 200, description: 'The key', json: 'SSHKey' }],
    errors: READ_ERRORS,
  },
  'SshKeysController.addForUser': {
    summary: 'Add an SSH key for a user (admin)',
    success: [{ status: 201, description: 'The key', json: 'SSHKey' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'A missing or invalid parameter (checked before the admin check), or the key refused' },
  },
  'SshKeysController.deleteForUser': {
    summary: "Delete one of a user's SSH keys (admin)",
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
  },
  'GpgKeysController.listOwn': {
    summary: "The current user's GPG keys",
    success: [{ status: 200, description: 'The keys, oldest first', json: { arrayOf: 'GpgKey' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'GpgKeysController.showOwn': {
    summary: "One of the current user's GPG keys",
    success: [{ status: 200, description: 'The key', json: 'GpgKey' }],
    errors: READ_ERRORS,
    notes: { 404: "`404 GPG Key Not Found`: no such key, or another user's (admins too)" },
  },
  'GpgKeysController.addOwn': {
    summary: 'Add a GPG key for the current user',
    success: [{ status: 201, description: 'The key', json: 'GpgKey' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`key` missing, not one armored public key block, unreadable, or some user has it already' },
  },
  'GpgKeysController.revokeOwn': {
    summary: "Revoke one of the current user's GPG keys: its signatures stop counting as verified and the key is removed",
    success: [{ status: 202, description: '`202`', json: 'Accepted' }],
    errors: WRITE_ERRORS,
  },
  'GpgKeysController.deleteOwn': {
    summary: "Delete one of the current user's GPG keys",
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
  },
  'GpgKeysController.listOfUser': {
    summary: "A user's GPG keys (no token needed)",
    success: [{ status: 200, description: 'The keys, oldest first', json: { arrayOf: 'GpgKey' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'GpgKeysController.showOfUser': {
    summary: "One of a user's GPG keys (no token needed)",
    success: [{ status: 200, description: 'The key', json: 'GpgKey' }],
    errors: READ_ERRORS,
  },
  'GpgKeysController.addForUser': {
    summary: 'Add a GPG key for a user (admin)',
    success: [{ status: 201, description: 'The key', json: 'GpgKey' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'A missing `key` (checked before the admin check), or the key refused' },
  },
  'GpgKeysController.revokeForUser': {
    summary: "Revoke one of a user's GPG keys (admin)",
    success: [{ status: 202, description: '`202`', json: 'Accepted' }],
    errors: WRITE_ERRORS,
  },
  'GpgKeysController.deleteForUser': {
    summary: "Delete one of a user's GPG keys (admin)",
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
  },
  'UserActivitiesController.list': {
    summary: 'The day each user was last active, for users active on or after `from` (default: six months ago), oldest first (admin)',
    success: [{ status: 200, description: 'The users\' last activity days', json: { arrayOf: 'UserActivity' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
    notes: { 400: '`from is invalid`: not a date', 403: 'Not an admin (`403 Forbidden`), or the token checks' },
  },
  'ActivityIngestionController.ingest': {
    summary: 'Record a batch of memberships, contribution events and user counters sent by another service (admin; extension)',
    jsonBody: INGESTION_BATCH,
    success: [
      { status: 201, description: 'Recorded: the items not sent before', json: 'IngestionResult' },
      { status: 200, description: 'Every item had been recorded before: nothing changed', json: 'IngestionResult' },
    ],
    errors: WRITE_ERRORS,
    notes: {
      400: 'The batch is refused whole, naming the first bad item (`items[3][action] does not have a valid value`), or an item names a user this service does not have',
      403: 'Not an admin (checked before the body), or the token checks',
    },
  },
  'UserMembershipsController.list': {
    summary: "A user's direct project and group memberships, `type` `Project` or `Namespace` (admin)",
    success: [{ status: 200, description: 'The memberships, oldest first', json: { arrayOf: 'Membership' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
    notes: { 400: '`type does not have a valid value`', 403: 'Not an admin, or the token checks', 404: '`404 User Not Found`' },
  },
  'UserMembershipsController.associationsCount': {
    summary: "A user's group, project, issue and merge request counts (yourself, or any user for admins)",
    success: [{ status: 200, description: 'The counts', json: 'AssociationsCount' }],
    errors: READ_ERRORS,
    notes: { 403: 'Another user and not an admin (after the 404 for a missing user)', 404: '`404 User Not Found`' },
  },
  'UserCountsController.show': {
    summary: "The caller's open assigned issues and merge requests, review requests and to-dos",
    success: [{ status: 200, description: 'The counts (zeros until a service reports them)', json: 'UserCounts' }],
    errors: READ_ERRORS,
  },
  'UserEventsController.list': {
    summary: "A user's contribution events, by id or username, filtered by `action`, `target_type`, `before`, `after`, sorted by `sort`",
    success: [{ status: 200, description: 'The events the caller may see (none for a profile they may not read)', json: { arrayOf: 'Event' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
    notes: { 400: 'A filter with an unknown value, or a bad date', 404: '`404 User Not Found`' },
  },
  'ActiveUsersController.list': {
    summary: 'Daily or monthly active users computed by the rollup, between `from` and `to` (admin; extension)',
    success: [{ status: 200, description: 'The figures, oldest first', json: { arrayOf: 'ActiveUsers' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
    notes: { 400: '`period does not have a valid value`, or a bad date', 403: 'Not an admin, or the token checks' },
  },
  'FollowsController.follow': {
    summary: 'Follow a user',
    success: [
      { status: 201, description: 'Followed: the followed user', json: 'UserBasic' },
      { status: 304, description: 'Nothing changed (empty body): yourself, already followed, or either of you has following turned off' },
    ],
    errors: WRITE_ERRORS,
    notes: { 400: '`You can\'t follow more than 300 users. To follow more users, unfollow some others.` (checked before the already-followed rule)' },
  },
  'FollowsController.unfollow': {
    summary: 'Unfollow a user',
    success: [
      { status: 201, description: 'Unfollowed: the user', json: 'UserBasic' },
      { status: 304, description: 'Nothing changed (empty body): you did not follow them' },
    ],
    errors: WRITE_ERRORS,
  },
  'FollowsController.followers': {
    summary: "A user's followers: active users, id ascending (keyset pages too, an extension)",
    success: [{ status: 200, description: 'The followers', json: { arrayOf: 'UserBasic' } }],
    errors: READ_ERRORS,
    pagination: 'offset_or_keyset',
    notes: { 403: 'Anonymous (`403 Forbidden - Not authorized!`), or the token checks', 404: '`404 User Not Found`: no such user, or a private, blocked or unconfirmed profile (but to its owner and admins)' },
  },
  'FollowsController.following': {
    summary: 'The users a user follows: active users, id ascending (keyset pages too, an extension)',
    success: [{ status: 200, description: 'The followed users', json: { arrayOf: 'UserBasic' } }],
    errors: READ_ERRORS,
    pagination: 'offset_or_keyset',
    notes: { 403: 'Anonymous (`403 Forbidden - Not authorized!`), or the token checks', 404: '`404 User Not Found`: no such user, or a private, blocked or unconfirmed profile (but to its owner and admins)' },
  },
  'UserStatusController.own': {
    summary: "The current user's status",
    success: [{ status: 200, description: 'The status (every field empty without one)', json: 'UserStatus' }],
    errors: READ_ERRORS,
  },
  'UserStatusController.ofUser': {
    summary: "A user's status, by id or username (case-insensitive); no token needed, a private profile does not hide it",
    success: [{ status: 200, description: 'The status (every field empty without one)', json: 'UserStatus' }],
    errors: READ_ERRORS,
    notes: { 404: '`404 User Not Found`' },
  },
  'UserStatusController.put': {
    summary: 'Replace the current user\'s status: a field not sent is cleared; with no emoji, message or availability the status is removed',
    success: [{ status: 200, description: 'The status, or `null` once removed', json: { oneOf: ['UserStatus', 'NoStatus'] } }],
    errors: WRITE_ERRORS,
    notes: { 400: '`clear_status_after` not one of its seven values; `{"message":{"emoji":["is not a valid emoji name"]}}`; a message over 100 characters' },
  },
  'UserStatusController.patch': {
    summary: 'Change only the fields sent of the current user\'s status (an empty PATCH changes nothing)',
    success: [{ status: 200, description: 'The status, or `null` once removed or for an empty PATCH', json: { oneOf: ['UserStatus', 'NoStatus'] } }],
    errors: WRITE_ERRORS,
    notes: { 400: '`clear_status_after` not one of its seven values; `{"message":{"emoji":["is not a valid emoji name"]}}`; a message over 100 characters' },
  },
  'FollowingPreferenceController.show': {
    summary: 'Whether the current user can follow and be followed (an extension)',
    success: [{ status: 200, description: 'The preference', json: 'FollowingPreference' }],
    errors: READ_ERRORS,
  },
  'FollowingPreferenceController.update': {
    summary: 'Turn following on or off for the current user (an extension); off removes every follow to and from them',
    success: [{ status: 200, description: 'The preference now in force', json: 'FollowingPreference' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`enabled_following` missing or not a boolean' },
  },
  'EmailsController.listOwn': {
    summary: "The current user's secondary e-mail addresses",
    success: [{ status: 200, description: 'The addresses, oldest first', json: { arrayOf: 'Email' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'EmailsController.confirm': {
    summary: 'Confirm an address with the token mailed for it (an extension: GitLab does this in its web UI; no access token needed)',
    success: [{ status: 200, description: 'The address, confirmed', json: 'Email' }],
    errors: [...REQUEST_ERRORS, 401, 403, 404, 503],
    notes: { 401: 'An access token was sent and is not valid', 403: 'An access token was sent without the `api` scope', 404: '`404 Confirmation Token Not Found`: unknown, or used already' },
  },
  'EmailsController.showOwn': {
    summary: "One of the current user's addresses",
    success: [{ status: 200, description: 'The address', json: 'Email' }],
    errors: READ_ERRORS,
    notes: { 404: "`404 Email Not Found`: no such address, or another user's (admins too)" },
  },
  'EmailsController.addOwn': {
    summary: 'Add a secondary address for the current user; a confirmation token is mailed to it',
    success: [{ status: 201, description: 'The address, unconfirmed', json: 'Email' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`email` missing or invalid, or some user has the address (primary or secondary)' },
  },
  'EmailsController.deleteOwn': {
    summary: "Delete one of the current user's addresses",
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
    notes: { 403: 'The address is the primary one (`403 Forbidden - Cannot delete primary email`), or the token checks' },
  },
  'EmailsController.listOfUser': {
    summary: "A user's secondary addresses (admin)",
    success: [{ status: 200, description: 'The addresses, oldest first', json: { arrayOf: 'Email' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'EmailsController.addForUser': {
    summary: 'Add a secondary address for a user (admin); `skip_confirmation=true` confirms it at once',
    success: [{ status: 201, description: 'The address', json: 'Email' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`email` missing (checked before the admin check) or invalid, or some user has the address' },
  },
  'EmailsController.deleteForUser': {
    summary: "Delete one of a user's addresses (admin)",
    success: [{ status: 204, description: 'Deleted' }],
    errors: [...WRITE_ERRORS, 412],
    headers: [IF_UNMODIFIED_SINCE],
  },
  'PersonalAccessTokensController.createOwn': {
    summary: 'Create a personal access token for yourself, with `k8s_proxy` and/or `self_rotate` only',
    success: [{ status: 201, description: 'The token, shown this once', json: 'PersonalAccessTokenWithToken' }],
    errors: [...WRITE_ERRORS, 422],
    notes: { 400: '`name` or `scopes` missing, or a scope other than `k8s_proxy` and `self_rotate`', 422: 'A blank name or scopes, or `expires_at` more than a year away' },
  },
  'AccessTokensController.list': {
    summary: 'Personal access tokens: all of them for admins (`user_id` to pick a user), your own for others',
    success: [{ status: 200, description: 'The tokens, by id unless `sort` says otherwise', json: { arrayOf: 'PersonalAccessToken' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
    notes: { 401: 'Not signed in, or a non-admin asked for another user\'s tokens', 404: 'An admin asked for a user who does not exist' },
  },
  'AccessTokensController.showSelf': {
    summary: 'The token making this request (any scope)',
    success: [{ status: 200, description: 'The token', json: 'PersonalAccessToken' }],
    errors: READ_ERRORS,
  },
  'AccessTokensController.revokeSelf': {
    summary: 'Revoke the token making this request (any scope)',
    success: [{ status: 204, description: 'Revoked' }],
    errors: WRITE_ERRORS,
  },
  'AccessTokensController.rotateSelf': {
    summary: 'Rotate the token making this request (`api` or `self_rotate`): it is revoked and its replacement returned',
    success: [{ status: 200, description: 'The new token, shown this once', json: 'PersonalAccessTokenWithToken' }],
    errors: [...WRITE_ERRORS, 405],
    notes: { 400: 'A bad `expires_at` (more than a year away)', 405: 'An impersonation token cannot rotate itself' },
  },
  'AccessTokensController.show': {
    summary: 'One personal access token (your own, or any for admins)',
    success: [{ status: 200, description: 'The token', json: 'PersonalAccessToken' }],
    errors: READ_ERRORS,
    notes: { 401: 'Another user\'s token or a missing one, for non-admins (they do not learn which ids exist)', 404: 'No such token (admins)' },
  },
  'AccessTokensController.revoke': {
    summary: 'Revoke a personal access token (your own, or any for admins)',
    success: [{ status: 204, description: 'Revoked (also when it was already)' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`400 Bad request`: another user\'s token, for non-admins', 404: 'No such token' },
  },
  'AccessTokensController.rotate': {
    summary: 'Rotate a personal access token: it is revoked and its replacement returned, in one change',
    success: [{ status: 200, description: 'The new token, shown this once', json: 'PersonalAccessTokenWithToken' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`token already revoked`, or a bad `expires_at`', 401: 'Another user\'s token or a missing one, for non-admins', 404: 'No such token (admins)' },
  },
  'ImpersonationTokensController.list': {
    summary: "A user's impersonation tokens (admin), `state` all, active or inactive",
    success: [{ status: 200, description: 'The tokens, by id', json: { arrayOf: 'ImpersonationToken' } }],
    errors: READ_ERRORS,
    pagination: 'offset',
  },
  'ImpersonationTokensController.create': {
    summary: 'Create an impersonation token for a user (admin): it acts as the user, and everything it does records the admin',
    success: [{ status: 201, description: 'The token, shown this once', json: 'ImpersonationTokenWithToken' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'Model errors as a hash: `scopes` blank or unknown, `expires_at` blank or more than a year away, `description` too long' },
  },
  'ImpersonationTokensController.show': {
    summary: 'One impersonation token of a user (admin)',
    success: [{ status: 200, description: 'The token', json: 'ImpersonationToken' }],
    errors: READ_ERRORS,
    notes: { 404: '`404 User Not Found`, or `404 Impersonation Token Not Found` (a personal access token is none)' },
  },
  'ImpersonationTokensController.revoke': {
    summary: 'Revoke an impersonation token (admin); the row stays, `revoked: true`',
    success: [{ status: 204, description: 'Revoked (also when it was already)' }],
    errors: WRITE_ERRORS,
  },
  'TwoFactorController.start': {
    summary: 'Start TOTP enrolment for yourself (an extension: GitLab does this in its web UI)',
    success: [{ status: 201, description: 'The secret, shown this once', json: 'TotpEnrolment' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'Two-factor authentication is already enabled' },
  },
  'TwoFactorController.confirm': {
    summary: 'Confirm TOTP enrolment with a first code (an extension); answers the recovery codes',
    success: [{ status: 200, description: 'Two-factor is on', json: 'TwoFactorEnabled' }],
    errors: WRITE_ERRORS,
    notes: { 400: '`otp_code` missing or wrong, no enrolment started, or two-factor already on' },
  },
  'TwoFactorController.disable': {
    summary: "Turn a user's two-factor authentication off (admin)",
    success: [{ status: 204, description: 'Off' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'Two-factor authentication is not enabled for this user', 403: 'Not an admin, or the target is an admin (`…cannot be disabled via the API. Use the Rails console`)' },
  },
  'RunnersController.create': {
    summary: 'Create a runner (`api` or `create_runner` scope): instance runners for admins; this service owns no groups or projects',
    success: [{ status: 201, description: 'The runner and its token', json: 'RunnerRegistration' }],
    errors: WRITE_ERRORS,
    notes: { 400: 'A missing or unknown `runner_type`, a group or project (none exist here: `Missing/invalid group`), or the model\'s rules', 403: '`403 Forbidden - Insufficient permissions`: an instance runner for a non-admin, or the token checks' },
  },
  'PreferencesController.show': {
    summary: "The current user's preferences",
    success: [{ status: 200, description: 'The preferences', json: 'UserPreferences' }],
    errors: READ_ERRORS,
  },
  'PreferencesController.update': {
    summary: "Change the current user's preferences (at least one)",
    success: [{ status: 200, description: 'The preferences as changed', json: 'UserPreferences' }],
    errors: WRITE_ERRORS,
  },
  'AuditEventsController.list': {
    summary: 'Instance audit events (admin), filtered by target, author, event name and time',
    success: [{ status: 200, description: 'Audit events, newest first', json: { arrayOf: 'AuditEvent' } }],
    errors: READ_ERRORS,
    pagination: 'offset_or_keyset',
    notes: { 400: 'A bad filter, `entity_id` without `entity_type`, or `cursor is invalid`', 403: 'Not an admin, a `read_user` token, or the other token checks' },
  },
  'AuditEventsController.export': {
    summary: 'Every audit event of the same filters as CSV, streamed (admin; extension)',
    success: [
      {
        status: 200,
        description: 'CSV with a header row: id, created_at, author_id, author_name, entity_type, entity_id, target_details, event_name, message, ip_address, details (JSON); newest first',
        content: { 'text/csv': { schema: { type: 'string' } } },
      },
    ],
    errors: READ_ERRORS,
    notes: { 400: 'A bad filter, or `entity_id` without `entity_type`', 403: 'Not an admin, a `read_user` token, or the other token checks' },
  },
  'AuditEventsController.show': {
    summary: 'One audit event (admin)',
    success: [{ status: 200, description: 'The audit event', json: 'AuditEvent' }],
    errors: READ_ERRORS,
  },
};

const OFFSET_HEADERS: Record<string, Schema> = {
  'X-Total': { description: 'Total number of records; omitted past 10,000', schema: { type: 'integer' } },
  'X-Total-Pages': { description: 'Total number of pages; omitted past 10,000 records', schema: { type: 'integer' } },
  'X-Per-Page': { description: 'Records per page', schema: { type: 'integer' } },
  'X-Page': { description: 'This page', schema: { type: 'integer' } },
  'X-Next-Page': { description: 'The next page, empty on the last one', schema: { type: 'string' } },
  'X-Prev-Page': { description: 'The previous page, empty on the first one', schema: { type: 'string' } },
  Link: { description: 'Absolute URLs of the `prev`, `next`, `first` and `last` pages (RFC 8288)', schema: { type: 'string' } },
};
const KEYSET_LINK: Schema = {
  description: 'Offset pagination: `prev`, `next`, `first` and `last` pages. `pagination=keyset`: only `rel="next"` (with its `cursor`), absent on the last page',
  schema: { type: 'string' },
};

/** The pagination headers of a list's 200; with keyset pagination only `Link` is sent, so none is promised then. */
function paginationHeaders(kind: 'offset' | 'offset_or_keyset'): Record<string, Schema> {
  if (kind === 'offset_or_keyset') {
    const optional = Object.fromEntries(Object.entries(OFFSET_HEADERS).map(([name, header]) => [name, { ...header, description: `${header.description as string} (offset pagination only)` }]));
    return { ...optional, Link: KEYSET_LINK };
  }
  const required = new Set(['X-Per-Page', 'X-Page', 'X-Next-Page', 'X-Prev-Page', 'Link']);
  return Object.fromEntries(Object.entries(OFFSET_HEADERS).map(([name, header]) => [name, required.has(name) ? { ...header, required: true } : header]));
}

const PAGINATION_PARAMS: Record<string, Schema> = {
  page: { name: 'page', in: 'query', required: false, description: 'Page number (offset pagination), from 1', schema: { type: 'integer', default: 1 } },
  per_page: {
    name: 'per_page',
    in: 'query',
    required: false,
    description: 'Records per page: 20 by default, larger values are cut to 100, 0 is refused',
    schema: { type: 'integer', default: 20 },
  },
  pagination: {
    name: 'pagination',
    in: 'query',
    required: false,
    description: '`keyset` for keyset pagination (follow `Link: rel="next"`); anything else means offset pagination',
    schema: { type: 'string' },
  },
  cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description: 'With `pagination=keyset`: the cursor from the previous page\'s `Link: rel="next"` (opaque; at most 2,100 characters)',
    schema: { type: 'string' },
  },
};

const TOKEN_SECURITY: Schema[] = [{ 'private-token': [] }, { 'private-token-param': [] }, { bearer: [] }];

const SUDO_HEADER: Schema = {
  name: 'Sudo',
  in: 'header',
  required: false,
  description: 'Admins whose token has the `sudo` scope act as this user (id or username); the `sudo` parameter does the same',
  schema: { type: 'string' },
};

function jsonSchema(json: NonNullable<Success['json']>): Schema {
  if (typeof json === 'string') return ref(json);
  if ('arrayOf' in json) return { type: 'array', items: ref(json.arrayOf) };
  if ('oneOf' in json) return { oneOf: json.oneOf.map(ref) };
  return { type: 'array', items: { oneOf: json.arrayOfOneOf.map(ref) } };
}

function responsesOf(entry: OperationResponses): Record<string, Schema> {
  const responses: Record<string, Schema> = {};
  for (const success of entry.success) {
    const content = success.json ? { 'application/json': { schema: jsonSchema(success.json) } } : success.content;
    const headers = success.status === 200 && entry.pagination ? paginationHeaders(entry.pagination) : undefined;
    responses[String(success.status)] = { description: success.description, ...(headers ? { headers } : {}), ...(content ? { content } : {}) };
  }
  for (const status of [...new Set(entry.errors)].sort((a, b) => a - b)) {
    const note = entry.notes?.[status];
    const healthDown = status === 503 && entry.success.some((success) => success.json === 'Readiness');
    responses[String(status)] = {
      description: note ?? ERROR_MEANINGS[status],
      ...(ERROR_HEADERS[status] ? { headers: ERROR_HEADERS[status] } : {}),
      content: { 'application/json': { schema: ref(healthDown ? 'Readiness' : 'Error') } },
    };
  }
  return responses;
}

export interface DescribedOperation {
  operationId?: string;
  summary?: string;
  parameters?: Schema[];
  responses?: Record<string, Schema>;
  requestBody?: Schema;
  security?: Schema[];
}

/**
 * Fills in each operation's summary, responses, pagination parameters, request headers and
 * security from `catalogue`; `authModeOf` tells how the operation authenticates. Throws when an
 * operation has no entry, or an entry matches no operation.
 */
export function describeOperations(
  paths: Record<string, Record<string, DescribedOperation>>,
  authModeOf: (operationId: string) => AuthMode,
  catalogue: Record<string, OperationResponses> = OPERATION_RESPONSES,
): void {
  const unused = new Set(Object.keys(catalogue));
  const missing: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const id = operation.operationId ?? `${method.toUpperCase()} ${path}`;
      const entry = Object.hasOwn(catalogue, id) ? catalogue[id] : undefined;
      if (!entry) {
        missing.push(`${id} (${method.toUpperCase()} ${path})`);
        continue;
      }
      unused.delete(id);
      const mode = authModeOf(id);
      operation.summary ??= entry.summary;
      operation.responses = responsesOf(entry);
      const parameters = [...(operation.parameters ?? [])];
      if (entry.pagination) {
        const names = entry.pagination === 'offset' ? ['page', 'per_page'] : ['page', 'per_page', 'pagination', 'cursor'];
        for (const name of names) {
          const index = parameters.findIndex((parameter) => parameter.in === 'query' && parameter.name === name);
          if (index === -1) parameters.push(PAGINATION_PARAMS[name]);
          else parameters[index] = { ...parameters[index], description: PAGINATION_PARAMS[name].description };
        }
      }
      parameters.push(...(entry.headers ?? []));
      if (entry.jsonBody) operation.requestBody = { required: true, content: { 'application/json': { schema: entry.jsonBody } } };
      if (mode !== 'none') parameters.push(SUDO_HEADER);
      operation.parameters = parameters;
      // `{}`: the operation also answers anonymous callers (a write under `non_get` does not).
      const anonymous = mode === 'optional' || (mode === 'non_get' && (method === 'get' || method === 'head'));
      operation.security = mode === 'none' ? [] : anonymous ? [...TOKEN_SECURITY, {}] : TOKEN_SECURITY;
    }
  }
  const problems = [
    ...missing.map((operation) => `no responses documented for ${operation}`),
    ...[...unused].map((id) => `responses documented for ${id}, which is no operation of the application`),
  ];
  if (problems.length > 0) throw new Error(`OpenAPI document: ${problems.join('; ')}. Describe every operation in apps/api/src/ops/openapi-responses.ts.`);
}
