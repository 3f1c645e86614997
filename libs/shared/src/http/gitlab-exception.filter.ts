import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../errors/domain-error.js';
import { toErrorResponse } from '../errors/error-body.js';
import { requestIdFor } from '../logging/logger-options.js';
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
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return { status, body: { error: '404 Not Found' } };
      if (status === 413) return { status, body: { message: '413 Request Entity Too Large' } };
      if (status === 400) {
        // Body parsers: malformed JSON or form data.
        return { status, body: { error: 'The request body could not be parsed; send valid JSON, form or multipart data' } };
      }
      if (status < 500) return { status, body: { message: `${status} ${exception.message}` } };
    }
    const raw = exception as { type?: string; status?: number; message?: string };
    if (raw?.type === 'entity.parse.failed' || raw?.status === 400) {
      return { status: 400, body: { error: 'The request body could not be parsed; send valid JSON, form or multipart data' } };
    }
    if (raw?.type === 'entity.too.large' || raw?.status === 413) return { status: 413, body: { message: '413 Request Entity Too Large' } };
    this.logger.error({ err: exception, requestId: req.id, route: `${req.method} ${req.route?.path ?? req.path}` }, 'Unhandled error while serving a request');
    return { status: 500, body: { message: '500 Internal Server Error' } };
  }
}
