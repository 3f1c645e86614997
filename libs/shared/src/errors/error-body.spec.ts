import { describe, it, expect } from '@jest/globals';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  InsufficientScopeError,
  InvalidTokenError,
  MalformedRequestError,
  MethodNotAllowedError,
  ModelInvalidError,
  NotFoundError,
  ParamsInvalidError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  RouteNotFoundError,
  UnauthorizedError,
  UnprocessableError,
  type ErrorKind,
} from '@app/kernel';
import { toErrorResponse, type ErrorResponse } from './error-body.js';

describe('toErrorResponse (reference 1.1)', () => {
  const cases: [string, DomainError, ErrorResponse][] = [
    ['not_found! with a resource', new NotFoundError('User'), { status: 404, body: { message: '404 User Not Found' } }],
    ['not_found! without a resource', new NotFoundError(null), { status: 404, body: { message: '404 Not Found' } }],
    ['RecordNotFound (custom message)', new NotFoundError(null, 'not_found', '404 Not found'), { status: 404, body: { message: '404 Not found' } }],
    ['no route matched', new RouteNotFoundError(), { status: 404, body: { error: '404 Not Found' } }],
    ['unauthorized!', new UnauthorizedError(), { status: 401, body: { message: '401 Unauthorized' } }],
    [
      'unknown token',
      new InvalidTokenError('unknown'),
      { status: 401, body: { error: 'invalid_token', error_description: 'Bad Access Token.' } },
    ],
    [
      'expired token',
      new InvalidTokenError('expired'),
      { status: 401, body: { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' } },
    ],
    [
      'revoked token',
      new InvalidTokenError('revoked'),
      { status: 401, body: { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' } },
    ],
    [
      'scope too narrow',
      new InsufficientScopeError('api'),
      {
        status: 403,
        body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api' },
      },
    ],
    ['forbidden!', new ForbiddenError(), { status: 403, body: { message: '403 Forbidden' } }],
    ['forbidden!(reason)', new ForbiddenError('Must be admin to use sudo'), { status: 403, body: { message: '403 Forbidden - Must be admin to use sudo' } }],
    ['a bare 403 message', new ForbiddenError('Not permitted to create', 'forbidden', true), { status: 403, body: { message: 'Not permitted to create' } }],
    ['bad_request!(reason)', new BadRequestError('Missing/invalid group'), { status: 400, body: { message: '400 Bad request - Missing/invalid group' } }],
    ['bad_request! without reason', new BadRequestError(null), { status: 400, body: { message: '400 Bad request' } }],
    [
      'Grape parameter validation',
      new ParamsInvalidError(['name is missing', 'scopes is missing']),
      { status: 400, body: { error: 'name is missing, scopes is missing' } },
    ],
    [
      'render_validation_error!',
      new ModelInvalidError({ password: ['is too short (minimum is 8 characters)'], bio: ['is too long (maximum is 255 characters)'] }),
      { status: 400, body: { message: { password: ['is too short (minimum is 8 characters)'], bio: ['is too long (maximum is 255 characters)'] } } },
    ],
    ['conflict!(msg)', new ConflictError('Email has already been taken'), { status: 409, body: { message: 'Email has already been taken' } }],
    ['conflict! without msg', new ConflictError(null), { status: 409, body: { message: '409 Conflict' } }],
    ['If-Unmodified-Since too old', new PreconditionFailedError(), { status: 412, body: { message: '412 Precondition Failed' } }],
    ['model errors as a sentence', new UnprocessableError("Name can't be blank"), { status: 422, body: { message: "Name can't be blank" } }],
    [
      'offset too deep',
      new MethodNotAllowedError('Keyset pagination is not yet available for this type of request'),
      { status: 405, body: { error: 'Keyset pagination is not yet available for this type of request' } },
    ],
    [
      'rate limit hit',
      new RateLimitedError(60),
      {
        status: 429,
        body: { message: { error: 'This endpoint has been requested too many times. Try again later.' } },
        headers: { 'Retry-After': '60' },
      },
    ],
    [
      'an unreadable request (what to send instead)',
      new MalformedRequestError('http.null_byte'),
      { status: 400, body: { error: 'The request contains a null byte (U+0000); remove it from the path and the parameters' } },
    ],
    ['a body over the limits', new PayloadTooLargeError(), { status: 413, body: { message: '413 Request Entity Too Large' } }],
  ];

  it.each(cases)('given %s, then GitLab\'s status and body', (_situation, error, expected) => {
    expect(toErrorResponse(error)).toEqual(expected);
  });

  it('then only the rate-limited answer carries headers', () => {
    for (const [, error] of cases) {
      const response = toErrorResponse(error);
      if (error instanceof RateLimitedError) expect(response.headers).toEqual({ 'Retry-After': String(error.retryAfterSeconds) });
      else expect(response.headers).toBeUndefined();
    }
  });

  it('then every error kind is covered by the table above', () => {
    const kinds: ErrorKind[] = [
      'not_found',
      'route_not_found',
      'unauthorized',
      'invalid_token',
      'insufficient_scope',
      'forbidden',
      'bad_request',
      'params_invalid',
      'model_invalid',
      'conflict',
      'precondition_failed',
      'unprocessable',
      'method_not_allowed',
      'rate_limited',
      'malformed_request',
      'payload_too_large',
    ];
    expect(new Set(cases.map(([, error]) => error.kind))).toEqual(new Set(kinds));
  });

  it('given a subclass with its own code (e.g. a module error), then the kind alone decides the answer', () => {
    class GroupOwnerError extends ConflictError {
      constructor() {
        super('User cannot be removed while is the sole-owner of a group', 'identity.sole_owner');
      }
    }
    const error = new GroupOwnerError();

    expect(error.code).toBe('identity.sole_owner');
    expect(toErrorResponse(error)).toEqual({ status: 409, body: { message: 'User cannot be removed while is the sole-owner of a group' } });
  });

  it('then the stable codes are set', () => {
    expect(new InvalidTokenError('expired').code).toBe('auth.token_expired');
    expect(new ParamsInvalidError([]).code).toBe('http.params_invalid');
    expect(new RouteNotFoundError().code).toBe('http.route_not_found');
    expect(new RateLimitedError(1).code).toBe('http.rate_limited');
  });
});
