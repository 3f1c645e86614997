/**
 * Every failure the service reports is a DomainError with a stable `code`.
 * The `kind` decides the HTTP status and GitLab body shape; only the global
 * exception filter turns it into a response.
 */
export type ErrorKind =
  | 'not_found'
  | 'route_not_found'
  | 'unauthorized'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'forbidden'
  | 'bad_request'
  | 'params_invalid'
  | 'model_invalid'
  | 'conflict'
  | 'precondition_failed'
  | 'unprocessable'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'service_unavailable'
  | 'malformed_request'
  | 'payload_too_large';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
}

/** 404 `{"message":"404 <Resource> Not Found"}`. */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(
    readonly resource: string | null,
    readonly code: string = 'not_found',
    readonly customMessage?: string,
  ) {
    super(customMessage ?? (resource ? `404 ${resource} Not Found` : '404 Not Found'));
  }
}

/** 404 `{"error":"404 Not Found"}`: no route matched, e.g. a non-numeric `:id`. */
export class RouteNotFoundError extends DomainError {
  readonly kind = 'route_not_found' as const;
  readonly code = 'http.route_not_found';
  constructor() {
    super('404 Not Found');
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized' as const;
  readonly code = 'auth.unauthorized';
  constructor() {
    super('401 Unauthorized');
  }
}

export type InvalidTokenReason = 'unknown' | 'expired' | 'revoked';

export class InvalidTokenError extends DomainError {
  readonly kind = 'invalid_token' as const;
  readonly code: string;
  constructor(readonly reason: InvalidTokenReason) {
    super(
      reason === 'expired'
        ? 'Token is expired. You can either do re-authorization or token refresh.'
        : reason === 'revoked'
          ? 'Token was revoked. You have to re-authorize from the user.'
          : 'Bad Access Token.',
    );
    this.code = `auth.token_${reason}`;
  }
}

export class InsufficientScopeError extends DomainError {
  readonly kind = 'insufficient_scope' as const;
  readonly code = 'auth.insufficient_scope';
  constructor(readonly scope: string) {
    super('The request requires higher privileges than provided by the access token.');
  }
}

/** 403 `{"message":"403 Forbidden"}` or `"403 Forbidden - <reason>"`. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(
    readonly reason: string | null = null,
    readonly code: string = 'forbidden',
    /** Some GitLab services answer 403 with a bare message and no "403 Forbidden" prefix. */
    readonly bare = false,
  ) {
    super(bare && reason ? reason : reason ? `403 Forbidden - ${reason}` : '403 Forbidden');
  }
}

/** 400 `{"message":"400 Bad request - <reason>"}`. */
export class BadRequestError extends DomainError {
  readonly kind = 'bad_request' as const;
  constructor(
    readonly reason: string | null,
    readonly code: string = 'bad_request',
  ) {
    super(reason ? `400 Bad request - ${reason}` : '400 Bad request');
  }
}

/** 400 `{"error":"a is missing, b is invalid"}`: Grape parameter validation. */
export class ParamsInvalidError extends DomainError {
  readonly kind = 'params_invalid' as const;
  readonly code = 'http.params_invalid';
  constructor(readonly messages: string[]) {
    super(messages.join(', '));
  }
}

/** 400 `{"message":{"attr":["msg"]}}`: model validation. */
export class ModelInvalidError extends DomainError {
  readonly kind = 'model_invalid' as const;
  constructor(
    readonly errors: Record<string, string[]>,
    readonly code: string = 'model_invalid',
  ) {
    super(
      Object.entries(errors)
        .map(([attr, msgs]) => `${attr} ${msgs.join(', ')}`)
        .join('; '),
    );
  }
}

/** 409 `{"message":"<msg>"}` without a status prefix. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(
    message: string | null,
    readonly code: string = 'conflict',
  ) {
    super(message ?? '409 Conflict');
  }
}

export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed' as const;
  readonly code = 'http.precondition_failed';
  constructor() {
    super('412 Precondition Failed');
  }
}

/** 422 `{"message":"<sentence>"}`. */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable' as const;
  constructor(
    message: string,
    readonly code: string = 'unprocessable',
  ) {
    super(message);
  }
}

/** 405 `{"error":"<msg>"}` (pagination limits), or GitLab's `not_allowed!`, `{"message":"405 Method Not Allowed"}`, without a message. */
export class MethodNotAllowedError extends DomainError {
  readonly kind = 'method_not_allowed' as const;
  constructor(
    message: string | null = null,
    readonly code: string = 'http.method_not_allowed',
  ) {
    super(message ?? '405 Method Not Allowed');
    this.bare = message === null;
  }

  /** True for `not_allowed!`, whose body is a `message`. */
  readonly bare: boolean;
}

export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited' as const;
  readonly code = 'http.rate_limited';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'This endpoint has been requested too many times. Try again later.',
  ) {
    super(message);
  }
}

/**
 * 503: the database connection was lost while serving the request (an administrator
 * terminated it, the server restarted). Nothing of the request was committed unless it
 * says so; the client may retry.
 */
export class DatabaseUnavailableError extends DomainError {
  readonly kind = 'service_unavailable' as const;
  readonly code = 'database.connection_lost';
  readonly retryAfterSeconds = 1;
  constructor(cause?: unknown) {
    super('503 Service Unavailable - the database connection was lost; retry the request', { cause });
  }
}

/** What each unreadable request is told to send instead. */
const MALFORMED_REQUEST_MESSAGES = {
  'http.body_unparsable': 'The request body could not be parsed; send valid JSON, form or multipart data',
  'http.null_byte': 'The request contains a null byte (U+0000); remove it from the path and the parameters',
  'http.lone_surrogate': 'The request contains a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair); send well-formed Unicode text',
  'http.path_unparsable': 'The request path is not valid percent-encoded UTF-8; escape it as RFC 3986 describes',
} as const;
export type MalformedRequestCode = keyof typeof MALFORMED_REQUEST_MESSAGES;

/**
 * 400 `{"error":"<what to send instead>"}`: the request itself cannot be read (a body that does not
 * parse, a NUL character, a lone surrogate, a broken path escape). Raised by the HTTP layer before
 * authentication, where GitLab's Rack middleware (`HandleMalformedStrings`) answers 400 before any
 * endpoint runs.
 */
export class MalformedRequestError extends DomainError {
  readonly kind = 'malformed_request' as const;
  constructor(readonly code: MalformedRequestCode) {
    super(MALFORMED_REQUEST_MESSAGES[code]);
  }
}

/** 413 `{"message":"413 Request Entity Too Large"}`: a body, file or multipart part over the limits. */
export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload_too_large' as const;
  readonly code = 'http.payload_too_large';
  constructor() {
    super('413 Request Entity Too Large');
  }
}
