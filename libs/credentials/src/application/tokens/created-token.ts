import {
  IMPERSONATION_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_CREATED,
  type PersonalAccessTokenCreatedData,
  type PersonalAccessTokenEvent,
} from '../../domain/personal-access-token/personal-access-token.events.js';
import type { CreatedPersonalAccessToken } from '../commands/create-personal-access-token/create-personal-access-token.command.js';

/** The token an append issued (a create or a rotation), with its plain value for this one answer. */
export function createdToken(events: readonly PersonalAccessTokenEvent[], token: string): CreatedPersonalAccessToken {
  const event = events.find((candidate) => candidate.type === PERSONAL_ACCESS_TOKEN_CREATED || candidate.type === IMPERSONATION_TOKEN_CREATED);
  if (!event) throw new Error('the append issued no token');
  const { id, user_id, name, description, scopes, expires_at, created_at } = event.data as PersonalAccessTokenCreatedData;
  return { id, user_id, name, description, scopes, expires_at, created_at, token, impersonation: event.type === IMPERSONATION_TOKEN_CREATED };
}
