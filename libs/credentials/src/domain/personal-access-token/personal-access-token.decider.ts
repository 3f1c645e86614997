import { UnprocessableError } from '@app/kernel';
import { PERSONAL_ACCESS_TOKEN_CREATED, PERSONAL_ACCESS_TOKEN_CREATED_VERSION, type PersonalAccessTokenEvent } from './personal-access-token.events.js';

/** Scopes GitLab's `Gitlab::Auth.all_available_scopes` accepts. */
export const AVAILABLE_SCOPES = [
  'api', 'read_api', 'read_user', 'create_runner', 'manage_runner', 'k8s_proxy', 'read_repository', 'write_repository',
  'read_registry', 'write_registry', 'read_virtual_registry', 'write_virtual_registry', 'ai_features', 'sudo',
  'admin_mode', 'read_service_ping', 'self_rotate',
] as const;

export const MAX_TOKEN_LIFETIME_DAYS = 365;

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

/** GitLab's model rules for a new token, answered as 422 with its full-message sentence. */
export function decideCreateToken(command: CreatePersonalAccessToken, now: Date): PersonalAccessTokenEvent[] {
  const problems: string[] = [];
  if (command.name.trim() === '') problems.push("Name can't be blank");
  else if (command.name.length > 255) problems.push('Name is too long (maximum is 255 characters)');
  if (command.scopes.length === 0) problems.push("Scopes can't be blank");
  if (command.description !== null && command.description.length > 255) problems.push('Description is too long (maximum is 255 characters)');
  const latest = day(addDays(now, MAX_TOKEN_LIFETIME_DAYS));
  let expiresAt: string | null;
  if (command.expiresAt === 'never') expiresAt = null;
  else if (command.expiresAt === null) expiresAt = latest;
  else {
    expiresAt = command.expiresAt;
    // GitLab has no lower bound: a past date gives a token that is already inactive.
    if (expiresAt > latest) problems.push(`Expires at must be before ${latest}`);
  }
  if (problems.length > 0) throw new UnprocessableError(problems.join(' and '), 'credentials.token_invalid');
  return [
    {
      type: PERSONAL_ACCESS_TOKEN_CREATED,
      schemaVersion: PERSONAL_ACCESS_TOKEN_CREATED_VERSION,
      data: {
        id: command.id,
        user_id: command.userId,
        username: command.username,
        name: command.name,
        description: command.description,
        scopes: [...new Set(command.scopes)],
        expires_at: expiresAt,
        token_digest: command.tokenDigest,
        created_at: now.toISOString(),
      },
    },
  ];
}
