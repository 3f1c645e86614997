import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
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
import { RouteMetadataCache } from '../http/route-metadata-cache.js';
import { AUTH_MODE_KEY, NUMERIC_PARAMS_KEY, SCOPES_KEY, USERS_API_KEY, type AuthMode } from './auth.decorators.js';
import { AuthCache } from './auth-cache.js';
import { CallerActivity } from './caller-activity.port.js';
import { TokenUsage } from './token-usage.port.js';
import type { CallerUser, TokenScope } from './caller.js';
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

/** A route's authentication requirements, read from its decorators once. */
interface RouteAuth {
  numeric: readonly string[];
  mode: AuthMode;
  /** The scopes that let a token in, by method (an `@AllowScopes` list applies to both). */
  readScopes: readonly TokenScope[];
  writeScopes: readonly TokenScope[];
  /** What a 403 insufficient_scope names. */
  registeredScopes: string;
}

function routeAuth(reflector: Reflector, targets: [Function, Function]): RouteAuth {
  const usersApi = reflector.getAllAndOverride<boolean | undefined>(USERS_API_KEY, targets) === true;
  const allowed = reflector.getAllAndOverride<TokenScope[] | undefined>(SCOPES_KEY, targets);
  return {
    numeric: reflector.getAllAndOverride<string[] | undefined>(NUMERIC_PARAMS_KEY, targets) ?? [],
    mode: reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE_KEY, targets) ?? 'optional',
    readScopes: allowed ?? (usersApi ? USERS_API_READ_SCOPES : READ_SCOPES),
    writeScopes: allowed ?? WRITE_SCOPES,
    // GitLab names a class's own scopes first, then the API-wide `api read_api` (`read_user api read_api`).
    registeredScopes: allowed
      ? [...allowed.filter((scope) => scope !== 'api' && scope !== 'read_api'), 'api', 'read_api'].join(' ')
      : usersApi
        ? USERS_API_REGISTERED_SCOPES
        : REGISTERED_SCOPES,
  };
}

type Resolved = { token: TokenRecord; user: CallerUser };

/**
 * One guard, in Grape's order: route requirements (a non-numeric id never matched a
 * route), then token authentication, scope, account state, and sudo. A request that needs
 * no look-up (anonymous, or a token the cache holds, without sudo) is decided synchronously.
 */
@Injectable()
export class GitlabAuthGuard implements CanActivate {
  private readonly routes: RouteMetadataCache<RouteAuth>;

  constructor(
    reflector: Reflector,
    private readonly directory: CallerDirectory,
    private readonly cache: AuthCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(CallerActivity) private readonly activity: CallerActivity | null = null,
    @Optional() @Inject(TokenUsage) private readonly tokenUsage: TokenUsage | null = null,
  ) {
    this.routes = new RouteMetadataCache((targets) => routeAuth(reflector, targets));
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<GitlabRequest>();
    const route = this.routes.of(context);

    for (const name of route.numeric) {
      const value = req.params?.[name];
      if (value !== undefined && !/^[0-9]+$/.test(String(value))) throw new RouteNotFoundError();
    }

    if (route.mode === 'none') return true;
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    const rawToken = extractToken(req);
    if (rawToken === null) {
      if (route.mode === 'required' || (route.mode === 'non_get' && !isRead)) throw new UnauthorizedError();
      // Grape's `sudo!`: `unauthorized!` when there is no initial user.
      if (sudoIdentifier(req) !== null) throw new UnauthorizedError();
      return true;
    }

    // The only hash of this request: the cache is keyed by it and the token table stores it.
    const digest = tokenDigest(rawToken);
    const cached = this.cache.get(digest);
    if (cached) return this.admit(req, route, isRead, cached);
    return this.cache.remember(digest, () => this.resolve(digest)).then((record) => this.admit(req, route, isRead, record));
  }

  private admit(req: GitlabRequest, route: RouteAuth, isRead: boolean, { token, user }: Resolved): boolean | Promise<boolean> {
    if (token.revoked) throw new InvalidTokenError('revoked');
    if (tokenExpired(token.expiresAt)) {
      throw new InvalidTokenError('expired');
    }
    // GitLab refuses the account (find_current_user!) before sudo and the endpoint scope.
    assertMayUseApi(user, this.config.externalUrl);
    const sudo = sudoIdentifier(req);
    if (sudo !== null) return this.admitSudo(req, route, isRead, { token, user }, sudo);
    assertScope(route, isRead, token);
    req.caller = { user, token, sudoer: null };
    this.activity?.touch(user.id);
    this.tokenUsage?.used(token.id);
    return true;
  }

  private async admitSudo(req: GitlabRequest, route: RouteAuth, isRead: boolean, { token, user }: Resolved, sudo: string): Promise<boolean> {
    if (!user.isAdmin) throw new ForbiddenError('Must be admin to use sudo', 'auth.sudo_requires_admin');
    if (!token.scopes.includes('sudo')) throw new InsufficientScopeError('sudo');
    const target = /^[0-9]+$/.test(sudo) ? await this.directory.findUserById(Number(sudo)) : await this.directory.findUserByUsername(sudo);
    if (!target) throw new NotFoundError(null, 'auth.sudo_target_not_found', `404 User with ID or username '${sudo}' Not Found`);
    // Sudo as yourself is no impersonation (GitLab compares the two users), and only then is
    // the endpoint scope checked, as GitLab's `current_user` does.
    if (target.id === user.id) {
      assertScope(route, isRead, token);
      req.caller = { user, token, sudoer: null };
    } else {
      req.caller = { user: target, token, sudoer: user };
    }
    this.activity?.touch(req.caller.user.id);
    this.tokenUsage?.used(token.id);
    return true;
  }

  private async resolve(digest: string): Promise<Resolved> {
    const found = await this.directory.findTokenByDigest(digest);
    if (!found) throw new InvalidTokenError('unknown');
    return found;
  }
}

function assertScope(route: RouteAuth, isRead: boolean, token: TokenRecord): void {
  const allowed = isRead ? route.readScopes : route.writeScopes;
  if (!allowed.some((scope) => token.scopes.includes(scope))) throw new InsufficientScopeError(route.registeredScopes);
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
