import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { malformedRequestError, MalformedRequestError, PayloadTooLargeError, type AppConfig } from '@app/shared';

/**
 * What a body parser's failure tells the client. Every parser failure is about the bytes the client
 * sent (syntax, charset, a multipart body without its boundary or cut short, too many parts), so it
 * is a 400 or a 413, never a 500; only a parser's own fault (status 5xx) stays one.
 */
function bodyParseFailure(error: unknown): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 500) return error;
  const multerLimit = error instanceof multer.MulterError && error.code.startsWith('LIMIT_') && error.code !== 'LIMIT_UNEXPECTED_FILE';
  if (status === 413 || multerLimit) return new PayloadTooLargeError();
  return new MalformedRequestError('http.body_unparsable');
}

const reportingFailures =
  (parser: RequestHandler): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (error?: unknown) => next(error === undefined || error === null ? undefined : bodyParseFailure(error)));

/**
 * Clients send JSON, form and multipart bodies on every write, a JSON body on DELETE included.
 * Like GitLab's Rack middleware, this layer refuses unreadable requests (a body that does not parse,
 * a NUL byte or a lone surrogate anywhere in the path or the parameters) before authentication: a
 * request that cannot be read has no parameters to authenticate or validate.
 */
export function bodyParsers(config: AppConfig): RequestHandler[] {
  return [
    reportingFailures(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] })),
    reportingFailures(express.urlencoded({ extended: true, limit: config.bodyLimitBytes })),
    // Clients (gitbeaker, python-gitlab) send file names as UTF-8; multer would read them as latin1.
    reportingFailures(multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: config.bodyLimitBytes, files: 5 } }).any()),
    (req, _res, next) => next(malformedRequestError(req) ?? undefined),
  ];
}
