import { tokenExpired } from '@app/shared';
import type { AccessTokenRow } from '../../infrastructure/access-tokens.repository.js';
import type { CreatedPersonalAccessToken } from '../../application/commands/create-personal-access-token/create-personal-access-token.command.js';

type TokenFields = Pick<AccessTokenRow, 'name' | 'description' | 'scopes' | 'expires_at'> & { id: number | string; user_id: number | string; revoked: boolean; created_at: Date | string; last_used_at: Date | null };

function present(token: TokenFields): Record<string, unknown> {
  return {
    id: Number(token.id),
    name: token.name,
    revoked: token.revoked,
    created_at: typeof token.created_at === 'string' ? token.created_at : token.created_at.toISOString(),
    description: token.description,
    scopes: token.scopes,
    user_id: Number(token.user_id),
    last_used_at: token.last_used_at?.toISOString() ?? null,
    // GitLab's `active?`: not revoked and not expired.
    active: !token.revoked && !tokenExpired(token.expires_at),
    expires_at: token.expires_at,
  };
}

/** GitLab's `PersonalAccessToken` entity (never the token). */
export function presentAccessToken(row: AccessTokenRow): Record<string, unknown> {
  return present(row);
}

/** GitLab's `ImpersonationToken` entity: the token entity and `impersonation`. */
export function presentImpersonationToken(row: AccessTokenRow): Record<string, unknown> {
  return { ...present(row), impersonation: true };
}

/** `…WithToken`: a token just issued, with its plain value (this answer only). */
export function presentIssuedToken(created: CreatedPersonalAccessToken): Record<string, unknown> {
  const entity = present({ ...created, revoked: false, last_used_at: null });
  return created.impersonation ? { ...entity, impersonation: true, token: created.token } : { ...entity, token: created.token };
}
