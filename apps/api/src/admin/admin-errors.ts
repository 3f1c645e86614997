import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DatabaseUnavailableError, RateLimitedError } from '@app/shared';
import { refuse } from './admin-responses.js';

const logger = new Logger('AdminArea');

/** Any other `/admin` path: a page saying so, whoever asks (nothing is revealed by it). */
export function adminNotFound(req: Request, res: Response): void {
  refuse(req, res, 404, 'There is no admin page at this address. Start again from the audit log.');
}

/**
 * The admin area's last handler: an unreadable form is the client's 400 (or 413), too many
 * exports at once a 429 and a lost database a 503 to retry, anything else a 500 logged by its
 * message (never the request, which may hold a token being typed in). Express's default handler
 * would show a stack trace.
 */
export function adminErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    refuse(req, res, status === 413 ? 413 : 400, status === 413 ? 'The form sent was too large.' : 'The form sent could not be read. Send it again from the page.');
    return;
  }
  if (error instanceof RateLimitedError) {
    res.setHeader('Retry-After', String(error.retryAfterSeconds));
    refuse(req, res, 429, error.message);
    return;
  }
  if (error instanceof DatabaseUnavailableError) {
    refuse(req, res, 503, 'The database cannot be reached just now. Try again in a moment.');
    return;
  }
  logger.error({ reason: error instanceof Error ? error.message : String(error), path: req.path }, 'An admin page failed');
  refuse(req, res, 500, 'Something went wrong on the server; it has been logged. Try again, and report it if it keeps happening.');
}
