import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '../../auth/caller.js';
import { mergedParams, type GitlabRequest } from '../gitlab-request.js';
import { parseParams } from './parse-params.js';

/** `@RequestParams(Dto)`: merged query/body/route params parsed with Grape's rules. */
export const RequestParams = createParamDecorator((dto: new () => object, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<GitlabRequest>();
  const raw = mergedParams(req);
  const files = (req as { files?: unknown }).files;
  if (Array.isArray(files)) for (const file of files as { fieldname: string }[]) raw[file.fieldname] = file;
  return parseParams(dto, raw);
});

/** The authenticated caller, or undefined for anonymous requests. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller | undefined => {
  return ctx.switchToHttp().getRequest<GitlabRequest>().caller;
});
