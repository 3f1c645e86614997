import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { GitlabRequest } from './gitlab-request.js';

/** Who and what caused a change; stored on every event the request appends. */
export interface RequestMetadata {
  actor_id: number | null;
  actor_username: string | null;
  /** The actor's display name at the time (GitLab's audit `author_name`). */
  actor_name?: string | null;
  /** The admin behind a sudo or impersonated request. */
  impersonator_id: number | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  correlation_id: string | null;
  /** The event that caused this change; null for changes a request or an operator started. */
  causation_id: string | null;
}

export function requestMetadataOf(req: GitlabRequest): RequestMetadata {
  const caller = req.caller;
  const correlation = req.headers['x-correlation-id'];
  return {
    actor_id: caller?.user.id ?? null,
    actor_username: caller?.user.username ?? null,
    actor_name: caller?.user.name ?? null,
    impersonator_id: caller?.sudoer?.id ?? null,
    ip: req.ip ?? null,
    user_agent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 255) : null,
    request_id: req.id ?? null,
    correlation_id: typeof correlation === 'string' && correlation !== '' ? correlation.slice(0, 128) : (req.id ?? null),
    causation_id: null,
  };
}

export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestMetadataOf(ctx.switchToHttp().getRequest<GitlabRequest>()));

export const SYSTEM_METADATA: RequestMetadata = {
  actor_id: null,
  actor_username: null,
  actor_name: null,
  impersonator_id: null,
  ip: null,
  user_agent: null,
  request_id: null,
  correlation_id: null,
  causation_id: null,
};
