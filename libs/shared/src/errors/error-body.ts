import {
  DatabaseUnavailableError,
  DomainError,
  InsufficientScopeError,
  ModelInvalidError,
  MethodNotAllowedError,
  RateLimitedError,
} from '@app/kernel';

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The one place where a DomainError becomes GitLab's status code and body. */
export function toErrorResponse(error: DomainError): ErrorResponse {
  if (error instanceof InsufficientScopeError) {
    return {
      status: 403,
      body: { error: 'insufficient_scope', error_description: error.message, scope: error.scope },
    };
  }
  if (error instanceof ModelInvalidError) return { status: 400, body: { message: error.errors } };
  if (error instanceof RateLimitedError) {
    return {
      status: 429,
      body: { message: { error: error.message } },
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof DatabaseUnavailableError) {
    return { status: 503, body: { message: error.message }, headers: { 'Retry-After': String(error.retryAfterSeconds) } };
  }
  switch (error.kind) {
    case 'not_found':
      return { status: 404, body: { message: error.message } };
    case 'route_not_found':
      return { status: 404, body: { error: error.message } };
    case 'unauthorized':
      return { status: 401, body: { message: error.message } };
    case 'invalid_token':
      return { status: 401, body: { error: 'invalid_token', error_description: error.message } };
    case 'forbidden':
      return { status: 403, body: { message: error.message } };
    case 'bad_request':
      return { status: 400, body: { message: error.message } };
    case 'params_invalid':
      return { status: 400, body: { error: error.message } };
    case 'conflict':
      return { status: 409, body: { message: error.message } };
    case 'precondition_failed':
      return { status: 412, body: { message: error.message } };
    case 'unprocessable':
      return { status: 422, body: { message: error.message } };
    case 'method_not_allowed':
      return { status: 405, body: (error as MethodNotAllowedError).bare ? { message: error.message } : { error: error.message } };
    case 'malformed_request':
      return { status: 400, body: { error: error.message } };
    case 'payload_too_large':
      return { status: 413, body: { message: error.message } };
    case 'insufficient_scope':
    case 'model_invalid':
    case 'rate_limited':
    case 'service_unavailable':
      throw new Error(`unreachable: ${error.kind} is handled above`);
  }
}
