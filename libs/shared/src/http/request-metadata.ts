import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestMetadata } from '@app/kernel';
import type { GitlabRequest } from './gitlab-request.js';

export function requestMetadataOf(req: GitlabRequest): RequestMetadata {
  const caller = req.caller;
  const correlation = req.headers['x-correlation-id'];
  return {
    actor_id: caller?.user.id ?? null,
    actor_username: caller?.user.username ?? null,
    actor_name: caller?.user.name ?? null,
    // The admin behind a sudo request, or behind the impersonation token the request carries.
    impersonator_id: caller?.sudoer?.id ?? caller?.token.impersonatorId ?? null,
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
