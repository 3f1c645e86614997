import { SetMetadata } from '@nestjs/common';
import type { TokenScope } from './caller.js';

export const AUTH_MODE_KEY = 'gitlab:auth-mode';
export const NUMERIC_PARAMS_KEY = 'gitlab:numeric-params';
export const SCOPES_KEY = 'gitlab:scopes';

/**
 * `required`: Grape's `authenticate!` (401 for anonymous, any method).
 * `non_get`: `authenticate_non_get!` (401 for anonymous writes, before parameter validation).
 * `optional`: anonymous callers reach the handler, which decides.
 * `none`: credentials are not even looked at (health checks, metrics).
 */
export type AuthMode = 'required' | 'non_get' | 'optional' | 'none';
export const Authenticate = (mode: AuthMode) => SetMetadata(AUTH_MODE_KEY, mode);

/** Route params that must be all digits, like Grape route requirements (digits only). */
export const NumericParams = (...names: string[]) => SetMetadata(NUMERIC_PARAMS_KEY, names);

/** Overrides the default scope rule (reads: read_api/api, plus read_user under UsersApiScopes; writes: api). */
export const AllowScopes = (...scopes: TokenScope[]) => SetMetadata(SCOPES_KEY, scopes);

export const USERS_API_KEY = 'gitlab:users-api';
/**
 * Marks a controller as part of GitLab's `API::Users`, which alone lets a `read_user` token
 * in: its GET and HEAD routes accept `read_user` as well as `read_api` and `api`. Everywhere
 * else (audit events, ...) `read_user` is refused with 403 insufficient_scope, as in GitLab.
 */
export const UsersApiScopes = () => SetMetadata(USERS_API_KEY, true);
