import { BadRequestError, ModelInvalidError, UnprocessableError } from '@app/kernel';
import {
  IMPERSONATION_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_CREATED_VERSION,
  PERSONAL_ACCESS_TOKEN_REVOKED,
  type ImpersonationTokenCreatedData,
  type PersonalAccessTokenCreatedData,
  type PersonalAccessTokenEvent,
} from './personal-access-token.events.js';

/** Scopes GitLab's `Gitlab::Auth.all_available_scopes` accepts. */
export const AVAILABLE_SCOPES = [
  'api', 'read_api', 'read_user', 'create_runner', 'manage_runner', 'k8s_proxy', 'read_repository', 'write_repository',
  'read_registry', 'write_registry', 'read_virtual_registry', 'write_virtual_registry', 'ai_features', 'sudo',
  'admin_mode', 'read_service_ping', 'self_rotate',
] as const;

/** The scopes a user may give a token they create for themselves (`POST /user/personal_access_tokens`). */
export const SELF_SERVICE_SCOPES = ['k8s_proxy', 'self_rotate'] as const;

export const MAX_TOKEN_LIFETIME_DAYS = 365;
/** How long a rotated token lives when no `expires_at` is given (GitLab: one week). */
export const ROTATED_TOKEN_LIFETIME_DAYS = 7;

export interface CreatePersonalAccessToken {
  id: number;
  userId: number;
  /** The owner's username, recorded in the event for the audit log. */
  username: string;
  name: string;
  description: string | null;
  scopes: string[];
  /** null: the default lifetime; 'never' only for the bootstrap token. */
  expiresAt: string | 'never' | null;
  tokenDigest: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);

/** The model's errors by attribute (GitLab's messages), and the expiry the token would get. */
function tokenProblems(command: CreatePersonalAccessToken, now: Date, expiryRequired: boolean): { errors: Record<string, string[]>; expiresAt: string | null } {
  const errors: Record<string, string[]> = {};
  const add = (attribute: string, message: string) => (errors[attribute] ??= []).push(message);
  if (command.name.trim() === '') add('name', "can't be blank");
  else if (command.name.length > 255) add('name', 'is too long (maximum is 255 characters)');
  if (command.scopes.length === 0) add('scopes', "can't be blank");
  else if (!command.scopes.every((scope) => (AVAILABLE_SCOPES as readonly string[]).includes(scope))) add('scopes', 'can only contain available scopes');
  if (command.description !== null && command.description.length > 255) add('description', 'is too long (maximum is 255 characters)');
  const latest = day(addDays(now, MAX_TOKEN_LIFETIME_DAYS));
  let expiresAt: string | null;
  if (command.expiresAt === 'never') expiresAt = null;
  else if (command.expiresAt === null) {
    expiresAt = expiryRequired ? null : latest;
    if (expiryRequired) add('expires_at', "can't be blank");
  } else {
    expiresAt = command.expiresAt;
    // GitLab has no lower bound: a past date gives a token that is already inactive.
    if (expiresAt > latest) add('expires_at', `must be before ${latest}`);
  }
  return { errors, expiresAt };
}

/** Rails' full messages: "Expires at must be before …". */
function fullMessages(errors: Record<string, string[]>): string[] {
  return Object.entries(errors).flatMap(([attribute, messages]) => {
    const label = attribute.charAt(0).toUpperCase() + attribute.slice(1).replace(/_/g, ' ');
    return messages.map((message) => `${label} ${message}`);
  });
}

function createdData(command: CreatePersonalAccessToken, expiresAt: string | null, now: Date): PersonalAccessTokenCreatedData {
  return {
    id: command.id,
    user_id: command.userId,
    username: command.username,
    name: command.name,
    description: command.description,
    scopes: [...new Set(command.scopes)],
    expires_at: expiresAt,
    token_digest: command.tokenDigest,
    created_at: now.toISOString(),
  };
}

/** GitLab's model rules for a new token, answered as 422 with its full-message sentence (the create service's answer). */
export function decideCreateToken(command: CreatePersonalAccessToken, now: Date): PersonalAccessTokenEvent[] {
  const { errors, expiresAt } = tokenProblems(command, now, false);
  if (Object.keys(errors).length > 0) throw new UnprocessableError(fullMessages(errors).join(' and '), 'credentials.token_invalid');
  return [{ type: PERSONAL_ACCESS_TOKEN_CREATED, schemaVersion: PERSONAL_ACCESS_TOKEN_CREATED_VERSION, data: createdData(command, expiresAt, now) }];
}

/**
 * An impersonation token: GitLab saves it without a service, so its errors are the model's, as a
 * 400 hash, and an expiry is required (the instance default). `impersonatorId` is the admin.
 */
export function decideCreateImpersonationToken(command: CreatePersonalAccessToken & { impersonatorId: number }, now: Date): PersonalAccessTokenEvent[] {
  const { errors, expiresAt } = tokenProblems(command, now, true);
  if (Object.keys(errors).length > 0) throw new ModelInvalidError(errors, 'credentials.impersonation_token_invalid');
  return [{ type: IMPERSONATION_TOKEN_CREATED, schemaVersion: 1, data: { ...createdData(command, expiresAt, now), impersonator_id: command.impersonatorId } }];
}

/** What the stream knows of each token: enough to revoke it and to issue its replacement. */
export interface KnownToken {
  name: string;
  description: string | null;
  scopes: string[];
  revoked: boolean;
  impersonation: boolean;
  /** The admin behind an impersonation token. */
  impersonatorId: number | null;
}

export interface TokensState {
  tokens: Readonly<Record<string, KnownToken>>;
}

export function evolveTokens(state: TokensState, event: { type: string; data: unknown }): TokensState {
  switch (event.type) {
    case PERSONAL_ACCESS_TOKEN_CREATED:
    case IMPERSONATION_TOKEN_CREATED: {
      const data = event.data as PersonalAccessTokenCreatedData;
      const impersonatorId = event.type === IMPERSONATION_TOKEN_CREATED ? (data as ImpersonationTokenCreatedData).impersonator_id : null;
      const known: KnownToken = { name: data.name, description: data.description, scopes: data.scopes, revoked: false, impersonation: impersonatorId !== null, impersonatorId };
      return { tokens: { ...state.tokens, [String(data.id)]: known } };
    }
    case PERSONAL_ACCESS_TOKEN_REVOKED: {
      const id = String((event.data as { id: number }).id);
      const known = state.tokens[id];
      return known ? { tokens: { ...state.tokens, [id]: { ...known, revoked: true } } } : state;
    }
    default:
      return state;
  }
}

/** Revoking keeps the row (GitLab's `revoke!`); a second revoke changes nothing and still succeeds. */
export function decideRevokeToken(command: { tokenId: number; userId: number; username: string }, state: TokensState, now: Date): PersonalAccessTokenEvent[] {
  const known = state.tokens[String(command.tokenId)];
  if (!known || known.revoked) return [];
  return [
    {
      type: PERSONAL_ACCESS_TOKEN_REVOKED,
      schemaVersion: 1,
      data: { id: command.tokenId, user_id: command.userId, username: command.username, name: known.name, impersonation: known.impersonation, reason: 'revoked', replaced_by_id: null, revoked_at: now.toISOString() },
    },
  ];
}

export interface RotateToken {
  tokenId: number;
  newId: number;
  userId: number;
  username: string;
  /** `YYYY-MM-DD`, or null for GitLab's default of a week. */
  expiresAt: string | null;
  tokenDigest: string;
}

/**
 * GitLab's rotation: the old token is revoked and a new one with the same name, description and
 * scopes is issued, in one append, so no moment has both or neither. A revoked token cannot be
 * rotated (400 "token already revoked"); a bad expiry is a 400 with the model's sentence.
 */
export function decideRotateToken(command: RotateToken, state: TokensState, now: Date): PersonalAccessTokenEvent[] {
  const known = state.tokens[String(command.tokenId)];
  if (!known) throw new BadRequestError('token not found', 'credentials.token_not_found');
  if (known.revoked) throw new BadRequestError('token already revoked', 'credentials.token_already_revoked');
  const replacement: CreatePersonalAccessToken = {
    id: command.newId,
    userId: command.userId,
    username: command.username,
    name: known.name,
    description: known.description,
    scopes: known.scopes,
    expiresAt: command.expiresAt ?? day(addDays(now, ROTATED_TOKEN_LIFETIME_DAYS)),
    tokenDigest: command.tokenDigest,
  };
  const { errors, expiresAt } = tokenProblems(replacement, now, false);
  if (Object.keys(errors).length > 0) throw new BadRequestError(fullMessages(errors).join(' and '), 'credentials.token_invalid');
  const created = createdData(replacement, expiresAt, now);
  const revoked: PersonalAccessTokenEvent = {
    type: PERSONAL_ACCESS_TOKEN_REVOKED,
    schemaVersion: 1,
    data: { id: command.tokenId, user_id: command.userId, username: command.username, name: known.name, impersonation: known.impersonation, reason: 'rotated', replaced_by_id: command.newId, revoked_at: now.toISOString() },
  };
  return known.impersonatorId !== null
    ? [revoked, { type: IMPERSONATION_TOKEN_CREATED, schemaVersion: 1, data: { ...created, rotated_from_id: command.tokenId, impersonator_id: known.impersonatorId } }]
    : [revoked, { type: PERSONAL_ACCESS_TOKEN_CREATED, schemaVersion: PERSONAL_ACCESS_TOKEN_CREATED_VERSION, data: { ...created, rotated_from_id: command.tokenId } }];
}
