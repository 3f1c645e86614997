import type { Request } from 'express';
import type { Caller } from '../auth/caller.js';
import { MalformedRequestError, type MalformedRequestCode } from '@app/kernel';
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
  const flaw = pathFlaw(req.path) ?? findTextFlaw([req.query, req.body, (req as { files?: unknown }).files]);
  return flaw ? new MalformedRequestError(flaw) : null;
}

/** The first flaw of the path's segments, percent-decoded: a NUL byte, a lone surrogate, or an escape that does not decode. */
function pathFlaw(path: string): MalformedRequestCode | null {
  // Most paths hold no escape: then the path is its own decoding.
  if (!path.includes('%')) return textFlaw(path);
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'http.path_unparsable';
    }
    const flaw = textFlaw(decoded);
    if (flaw) return flaw;
  }
  return null;
}
