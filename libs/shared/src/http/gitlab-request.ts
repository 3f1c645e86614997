import type { Request } from 'express';
import type { Caller } from '../auth/caller.js';

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
