import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { isConnectionLoss } from '../database/pg-errors.js';
import { DatabaseUnavailableError, DomainError, MalformedRequestError, PayloadTooLargeError, RouteNotFoundError } from '@app/kernel';
import { toErrorResponse } from '../errors/error-body.js';
import { requestIdFor } from '../logging/request-id.js';
import type { GitlabRequest } from './gitlab-request.js';

/** The single place where failures become GitLab's error bodies. */
@Catch()
export class GitlabExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<GitlabRequest>();
    if (res.headersSent) return;
    // Failures before the logger middleware (e.g. an unparsable body) still answer with a request id.
    if (!res.getHeader('X-Request-Id')) req.id = requestIdFor(req, res);
    const { status, body, headers } = this.describe(exception, req);
    if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(status).type('application/json').send(JSON.stringify(body));
  }

  private describe(exception: unknown, req: GitlabRequest): { status: number; body: unknown; headers?: Record<string, string> } {
    if (exception instanceof DomainError) return toErrorResponse(exception);
    if (isConnectionLoss(exception)) return toErrorResponse(new DatabaseUnavailableError(exception));
    // Express's router could not percent-decode a path segment into a route param (`%ED%A0%80`,
    // `%E0%A4%A`); Nest hands its URIError over wrapped in a 400.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (cause instanceof URIError) return toErrorResponse(new MalformedRequestError('http.path_unparsable'));
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return toErrorResponse(new RouteNotFoundError());
      if (status === 413) return toErrorResponse(new PayloadTooLargeError());
      if (status === 400) return toErrorResponse(new MalformedRequestError('http.body_unparsable'));
      if (status < 500) return { status, body: { message: `${status} ${exception.message}` } };
    }
    this.logger.error({ err: exception, requestId: req.id, route: `${req.method} ${req.route?.path ?? req.path}` }, 'Unhandled error while serving a request');
    return { status: 500, body: { message: '500 Internal Server Error' } };
  }
}
