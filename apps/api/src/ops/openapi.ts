import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { paramRulesOf, paramSpecsOf, requestParamsDtoOf, type ParamSpec } from '@app/shared';

type Schema = Record<string, unknown>;
type Operation = { operationId?: string; parameters?: Schema[]; requestBody?: Schema; responses?: Record<string, Schema>; security?: Schema[] };

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

const errorBody = {
  description: "GitLab's error body: {\"message\": …} or {\"error\": …}",
  content: { 'application/json': { schema: { type: 'object', properties: { message: {}, error: { type: 'string' } } } } },
};

/**
 * The OpenAPI 3 document: routes, path parameters and tags come from @nestjs/swagger's
 * scan of the controllers; query parameters and request bodies come from the same
 * `@Param` specs that parse and validate each request, so the document cannot drift
 * from the behaviour.
 */
export function buildOpenApiDocument(app: INestApplication, externalUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('GitLab-compatible Users API')
    .setDescription("GitLab's REST Users API v4. Parameters may be sent in the query string or the body (JSON, form or multipart).")
    .setVersion('v4')
    .addServer(externalUrl)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN' }, 'private-token')
    .addApiKey({ type: 'apiKey', in: 'query', name: 'private_token' }, 'private-token-param')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearer')
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
      operation.security = [{ 'private-token': [] }, { 'private-token-param': [] }, { bearer: [] }, {}];
      operation.responses = { ...operation.responses, '400': errorBody, '401': errorBody, '403': errorBody, '404': errorBody };
    }
  }
  return document;
}
