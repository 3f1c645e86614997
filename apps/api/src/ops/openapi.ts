import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AUTH_MODE_KEY, paramRulesOf, paramSpecsOf, requestParamsDtoOf, type AuthMode, type ParamSpec } from '@app/shared';
import { describeOperations, type DescribedOperation } from './openapi-responses.js';
import { COMPONENT_SCHEMAS } from './openapi-schemas.js';

type Schema = Record<string, unknown>;
type Operation = { operationId?: string; parameters?: Schema[]; requestBody?: Schema };

const READ_METHODS = new Set(['get', 'head', 'delete']);
const NUMERIC_PATH_PARAMS = new Set(['id', 'user_id']);

function schemaOf(spec: ParamSpec): Schema {
  const base: Schema = (() => {
    switch (spec.type) {
      case 'string':
        return { type: 'string' };
      case 'integer':
        return { type: 'integer' };
      case 'boolean':
        return { type: 'boolean' };
      case 'datetime':
        return { type: 'string', format: 'date-time' };
      case 'date':
        return { type: 'string', format: 'date' };
      case 'string_array':
        return { type: 'array', items: { type: 'string' } };
      case 'string_hash':
        return { type: 'object', additionalProperties: { type: 'string' } };
      case 'file':
        return { type: 'string', format: 'binary' };
    }
  })();
  if (spec.values) return spec.type === 'string_array' ? { ...base, items: { type: 'string', enum: spec.values } } : { ...base, enum: spec.values };
  if (spec.default !== undefined) base.default = spec.default;
  return base;
}

function describeRules(dto: Function): string | undefined {
  const rules = paramRulesOf(dto).map((rule) => `${rule.kind.replace(/_/g, ' ')}: ${rule.params.join(', ')}`);
  return rules.length ? `Parameter rules: ${rules.join('; ')}.` : undefined;
}

/** Each handler's `@Authenticate` mode (the guard's default, `optional`, when it has none), by operationId. */
function authModes(app: INestApplication): (operationId: string) => AuthMode {
  const reflector = new Reflector();
  const modes = new Map<string, AuthMode>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        modes.set(`${controller.name}.${name}`, reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE_KEY, [handler, controller]) ?? 'optional');
      }
    }
  }
  return (operationId) => {
    const mode = modes.get(operationId);
    if (!mode) throw new Error(`OpenAPI document: no controller method for operation ${operationId}`);
    return mode;
  };
}

/**
 * The OpenAPI 3.1 document: routes, path parameters and tags come from @nestjs/swagger's
 * scan of the controllers; query parameters and request bodies come from the same
 * `@Param` specs that parse and validate each request, so the document cannot drift
 * from the behaviour; security from each handler's `@Authenticate` mode; responses and
 * their schemas from openapi-responses.ts, which must describe every operation.
 */
export function buildOpenApiDocument(app: INestApplication, externalUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('GitLab-compatible Users API')
    .setDescription("GitLab's REST Users API v4. Parameters may be sent in the query string or the body (JSON, form or multipart).")
    .setVersion('v4')
    .addServer(externalUrl)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN' }, 'private-token')
    .addApiKey({ type: 'apiKey', in: 'query', name: 'private_token' }, 'private-token-param')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'personal access token' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey: string, methodKey: string) => `${controllerKey}.${methodKey}`,
  });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item as Record<string, Operation>)) {
      const operation = raw as Operation;
      const [controller, handler] = (operation.operationId ?? '').split('.');
      const parameters: Schema[] = [...(operation.parameters ?? []).filter((p) => p.in !== 'path')];
      for (const match of path.matchAll(/\{(\w+)\}/g)) {
        const name = match[1];
        parameters.push({
          name,
          in: 'path',
          required: true,
          schema: NUMERIC_PATH_PARAMS.has(name) ? { type: 'integer' } : { type: 'string' },
          ...(NUMERIC_PATH_PARAMS.has(name) ? { description: 'Digits only; anything else answers 404 {"error":"404 Not Found"}' } : {}),
        });
      }
      const dto = controller && handler ? requestParamsDtoOf(controller, handler) : undefined;
      if (dto) {
        const specs = paramSpecsOf(dto).filter((spec) => !path.includes(`{${spec.name}}`));
        if (READ_METHODS.has(method)) {
          for (const spec of specs) parameters.push({ name: spec.name, in: 'query', required: spec.required, schema: schemaOf(spec) });
        } else {
          const schema: Schema = {
            type: 'object',
            properties: Object.fromEntries(specs.map((spec) => [spec.name, schemaOf(spec)])),
            ...(specs.some((spec) => spec.required) ? { required: specs.filter((spec) => spec.required).map((spec) => spec.name) } : {}),
          };
          const rules = describeRules(dto);
          operation.requestBody = {
            required: specs.some((spec) => spec.required),
            ...(rules ? { description: rules } : {}),
            content: Object.fromEntries(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'].map((type) => [type, { schema }])),
          };
        }
      }
      operation.parameters = parameters;
    }
  }
  describeOperations(document.paths as Record<string, Record<string, DescribedOperation>>, authModes(app));
  // OpenAPI 3.1, so that schemas are plain JSON Schema: a nullable value is `type: [..., 'null']`.
  document.openapi = '3.1.0';
  document.components = { ...document.components, schemas: COMPONENT_SCHEMAS };
  return document;
}
