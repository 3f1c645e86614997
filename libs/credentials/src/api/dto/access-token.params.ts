import { Param } from '@app/shared';
import { SELF_SERVICE_SCOPES } from '../../domain/personal-access-token/personal-access-token.decider.js';

/** `POST /user/personal_access_tokens`: a user may only give their own new token these scopes. */
export class CreateOwnTokenParams {
  @Param('string', { required: true }) name!: string;
  @Param('string_array', { required: true, values: SELF_SERVICE_SCOPES }) scopes!: string[];
  @Param('string') description?: string | null;
  @Param('date') expires_at?: string | null;
}

/** `GET /personal_access_tokens` filters (GitLab's `access_token_params`). */
export class ListAccessTokensParams {
  @Param('integer') user_id?: number | null;
  @Param('boolean') revoked?: boolean | null;
  @Param('string', { values: ['active', 'inactive'] }) state?: 'active' | 'inactive' | null;
  @Param('datetime') created_before?: Date | null;
  @Param('datetime') created_after?: Date | null;
  @Param('datetime') last_used_before?: Date | null;
  @Param('datetime') last_used_after?: Date | null;
  @Param('date') expires_before?: string | null;
  @Param('date') expires_after?: string | null;
  @Param('string') search?: string | null;
  @Param('string') sort?: string | null;
}

export class RotateAccessTokenParams {
  @Param('date') expires_at?: string | null;
}

/** `GET /users/:user_id/impersonation_tokens`. */
export class ListImpersonationTokensParams {
  @Param('string', { values: ['all', 'active', 'inactive'] }) state?: 'all' | 'active' | 'inactive' | null;
}

/** `POST /users/:user_id/impersonation_tokens`: `scopes` has no value list here; the model refuses unknown ones. */
export class CreateImpersonationTokenParams {
  @Param('string', { required: true }) name!: string;
  @Param('string') description?: string | null;
  @Param('date') expires_at?: string | null;
  @Param('string_array') scopes?: string[] | null;
}
