import type { Request } from 'express';
import type { Caller } from '../auth/caller.js';
import { MalformedRequestError } from '@app/kernel';
import { findTextFlaw, textFlaw } from './params/malformed-text.js';

export interface GitlabRequest extends Request {
  /** Set by the auth guard; absent for anonymous requests. */
  caller?: Caller;
  /** Assigned by the logger middleware, echoed as `X-Request-Id`. */
  id: string;
}

/** Query, body and route parameters merged as Grape does (body wins over query). */
export function mergedParams(req: Request): Record<string, unknown> {
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  return { ...(req.query as Record<string, unknown>), ...body, ...(req.params ?? {}) };
}

/**
 * Why this request cannot be served at all, or null. GitLab refuses a NUL byte or invalid UTF-8
 * in the path, the credentials or any parameter with a 400 before routing and authentication
 * (`Gitlab::Middleware::HandleMalformedStrings`, a Rack middleware); here: the path, the query, the
 * parsed body (JSON, form or multipart) and uploaded files' field and file names, keys included.
 * Header credentials need no check: Node refuses control characters in headers itself.
 */
export function malformedRequestError(req: Request): MalformedRequestError | null {
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return new MalformedRequestError('http.path_unparsable');
    }
    const flaw = textFlaw(decoded);
    if (flaw) return new MalformedRequestError(flaw);
  }
  const flaw = findTextFlaw([req.query, req.body, (req as { files?: unknown }).files]);
  return flaw ? new MalformedRequestError(flaw) : null;
}
