import 'reflect-metadata';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '../../auth/caller.js';
import { mergedParams, type GitlabRequest } from '../gitlab-request.js';
import { parseParams } from './parse-params.js';

const parseRequestParams = createParamDecorator((dto: new () => object, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<GitlabRequest>();
  const raw = mergedParams(req);
  const files = (req as { files?: unknown }).files;
  if (Array.isArray(files)) for (const file of files as { fieldname: string }[]) raw[file.fieldname] = file;
  return parseParams(dto, raw);
});

/** Which parameter DTO each handler parses, by `Controller.method` (the OpenAPI document reads it). */
const handlerParams = new Map<string, Function>();

export function requestParamsDtoOf(controllerName: string, methodName: string): Function | undefined {
  return handlerParams.get(`${controllerName}.${methodName}`);
}

/** `@RequestParams(Dto)`: merged query/body/route params parsed with Grape's rules. */
export function RequestParams(dto: new () => object): ParameterDecorator {
  return (target, key, index) => {
    if (key !== undefined) handlerParams.set(`${(target as { constructor: Function }).constructor.name}.${String(key)}`, dto);
    parseRequestParams(dto)(target, key, index);
  };
}

/** The authenticated caller, or undefined for anonymous requests. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller | undefined => {
  return ctx.switchToHttp().getRequest<GitlabRequest>().caller;
});
