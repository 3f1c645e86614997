import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  ForbiddenError,
  InsufficientScopeError,
  InvalidTokenError,
  NotFoundError,
  RouteNotFoundError,
  UnauthorizedError,
} from '@app/kernel';
import type { GitlabRequest } from '../http/gitlab-request.js';
import { AUTH_MODE_KEY, NUMERIC_PARAMS_KEY, SCOPES_KEY, USERS_API_KEY, type AuthMode } from './auth.decorators.js';
import { AuthCache } from './auth-cache.js';
import type { Caller, CallerUser, TokenScope } from './caller.js';
import { CallerDirectory, type TokenRecord } from './caller-directory.port.js';
import { tokenDigest } from './token-digest.js';
import { tokenExpired } from './token-expiry.js';

const READ_SCOPES: TokenScope[] = ['api', 'read_api'];
const USERS_API_READ_SCOPES: TokenScope[] = ['api', 'read_api', 'read_user'];
const WRITE_SCOPES: TokenScope[] = ['api'];
/**
 * GitLab names every scope registered for the endpoint's API class, not just the ones that
 * would pass: `api` and `read_api` everywhere, `read_user` first in `API::Users`.
 */
const REGISTERED_SCOPES = 'api read_api';
const USERS_API_REGISTERED_SCOPES = 'read_user api read_api';

/**
 * One guard, in Grape's order: route requirements (a non-numeric id never matched a
 * route), then token authentication, scope, account state, and sudo.
 */
@Injectable()
export class GitlabAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly directory: CallerDirectory,
    private readonly cache: AuthCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<GitlabRequest>();
    const targets = [context.getHandler(), context.getClass()];

    const numeric = this.reflector.getAllAndOverride<string[] | undefined>(NUMERIC_PARAMS_KEY, targets) ?? [];
    for (const name of numeric) {
      const value = req.params?.[name];
      if (value !== undefined && !/^[0-9]+$/.test(String(value))) throw new RouteNotFoundError();
    }

    const mode = this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE_KEY, targets) ?? 'optional';
    if (mode === 'none') return true;
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    const rawToken = extractToken(req);
    if (rawToken === null) {
      if (mode === 'required' || (mode === 'non_get' && !isRead)) throw new UnauthorizedError();
      // Grape's `sudo!`: `unauthorized!` when there is no initial user.
      if (sudoIdentifier(req) !== null) throw new UnauthorizedError();
      return true;
    }

    const record = await this.cache.remember(rawToken, () => this.resolve(rawToken));
    const { token, user } = record;
    if (token.revoked) throw new InvalidTokenError('revoked');
    if (tokenExpired(token.expiresAt)) {
      throw new InvalidTokenError('expired');
    }
    // GitLab refuses the account (find_current_user!) before sudo and the endpoint scope.
    assertMayUseApi(user, this.config.externalUrl);

    const caller: Caller = { user, token, sudoer: null };
    const sudo = sudoIdentifier(req);
    if (sudo !== null) {
      if (!user.isAdmin) throw new ForbiddenError('Must be admin to use sudo', 'auth.sudo_requires_admin');
      if (!token.scopes.includes('sudo')) throw new InsufficientScopeError('sudo');
      const target = /^[0-9]+$/.test(sudo) ? await this.directory.findUserById(Number(sudo)) : await this.directory.findUserByUsername(sudo);
      if (!target) throw new NotFoundError(null, 'auth.sudo_target_not_found', `404 User with ID or username '${sudo}' Not Found`);
      // Sudo as yourself is no impersonation (GitLab compares the two users).
      if (target.id !== user.id) {
        caller.user = target;
        caller.sudoer = user;
      }
    }
    // As GitLab's `current_user`: the endpoint scope is checked only when not sudoing as someone else.
    if (caller.user.id === user.id) {
      const usersApi = this.reflector.getAllAndOverride<boolean | undefined>(USERS_API_KEY, targets) === true;
      const allowed =
        this.reflector.getAllAndOverride<TokenScope[] | undefined>(SCOPES_KEY, targets) ?? (!isRead ? WRITE_SCOPES : usersApi ? USERS_API_READ_SCOPES : READ_SCOPES);
      if (!allowed.some((scope) => token.scopes.includes(scope))) throw new InsufficientScopeError(usersApi ? USERS_API_REGISTERED_SCOPES : REGISTERED_SCOPES);
    }
    req.caller = caller;
    return true;
  }

  private async resolve(rawToken: string): Promise<{ token: TokenRecord; user: CallerUser }> {
    const found = await this.directory.findTokenByDigest(tokenDigest(rawToken));
    if (!found) throw new InvalidTokenError('unknown');
    return found;
  }

}

function extractToken(req: GitlabRequest): string | null {
  const header = req.headers['private-token'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match) return match[1];
  }
  const fromQuery = (req.query as Record<string, unknown>)?.private_token;
  if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  const fromBody = (req.body as Record<string, unknown> | undefined)?.private_token;
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  return null;
}

function sudoIdentifier(req: GitlabRequest): string | null {
  const header = req.headers.sudo;
  if (typeof header === 'string' && header !== '') return header;
  for (const source of [req.query as Record<string, unknown>, req.body as Record<string, unknown> | undefined]) {
    const value = source?.sudo;
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return null;
}

/** GitLab's `UserAccessDeniedReason`: blocked and internal accounts cannot use their tokens. */
function assertMayUseApi(user: CallerUser, externalUrl: string): void {
  if (user.userType === 'ghost') throw new ForbiddenError('This action cannot be performed by internal users', 'auth.internal_user');
  switch (user.state) {
    case 'active':
      break;
    case 'deactivated':
      throw new ForbiddenError(
        `Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at ${externalUrl}`,
        'auth.account_deactivated',
      );
    case 'blocked_pending_approval':
      throw new ForbiddenError('Your account is pending approval from your administrator and hence blocked.', 'auth.account_pending_approval');
    default:
      throw new ForbiddenError('Your account has been blocked.', 'auth.account_blocked');
  }
}
