import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestContext } from '../../support/test-app.js';

type Operation = { parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, { type?: string; enum?: unknown[]; format?: string }>; required?: string[] } }> } };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('GET /api/v4/openapi.json: generated from the controllers and their parameter declarations', () => {
  let ctx: TestContext;
  let doc: Document;

  beforeAll(async () => {
    ctx = await startTestApp('openapi');
    const res = await ctx.http.get('/api/v4/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    doc = res.body as Document;
  });
  afterAll(async () => ctx?.close());

  it('is an OpenAPI 3 document, readable without a token', () => {
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('lists every identity, token and audit endpoint with its methods', () => {
    const expected: Record<string, string[]> = {
      '/api/v4/users': ['get', 'post'],
      '/api/v4/users/{id}': ['delete', 'get', 'put'],
      '/api/v4/user': ['get'],
      '/api/v4/users/{user_id}/personal_access_tokens': ['post'],
      '/api/v4/audit_events': ['get'],
      '/api/v4/audit_events/{id}': ['get'],
      '/api/v4/users/{id}/identities/{provider}': ['delete'],
      '/api/v4/users/{id}/custom_attributes': ['get'],
      '/api/v4/users/{id}/custom_attributes/{key}': ['delete', 'get', 'put'],
      '/api/v4/user/preferences': ['get', 'put'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort()).toEqual(expect.arrayContaining(methods));
    }
  });

  it('documents POST /users with the required fields and every optional attribute, as JSON, form and multipart', () => {
    const body = doc.paths['/api/v4/users'].post.requestBody!;
    expect(Object.keys(body.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    const schema = body.content['application/json'].schema;
    expect(schema.required?.sort()).toEqual(['email', 'name', 'username']);
    for (const name of ['password', 'reset_password', 'force_random_password', 'skip_confirmation', 'admin', 'projects_limit', 'extern_uid', 'provider', 'theme_id', 'private_profile', 'note']) {
      expect(schema.properties).toHaveProperty(name);
    }
    expect(schema.properties.projects_limit.type).toBe('integer');
    expect(schema.properties.admin.type).toBe('boolean');
    expect(schema.properties.avatar).toEqual({ type: 'string', format: 'binary' });
  });

  it('documents the query parameters of GET /users with their allowed values', () => {
    const params = doc.paths['/api/v4/users'].get.parameters ?? [];
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(byName.username?.in).toBe('query');
    expect(byName.order_by?.schema?.enum).toEqual(['id', 'name', 'username', 'created_at', 'updated_at']);
    expect(byName.sort?.schema?.enum).toEqual(['asc', 'desc']);
  });

  it('documents the admin-only list parameters too', () => {
    const names = (doc.paths['/api/v4/users'].get.parameters ?? []).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['extern_uid', 'provider', 'created_after', 'two_factor', 'with_custom_attributes', 'custom_attributes', 'pagination', 'cursor']));
  });

  it('documents numeric path ids as integers', () => {
    const params = doc.paths['/api/v4/users/{id}'].get.parameters ?? [];
    expect(params.find((p) => p.name === 'id')).toMatchObject({ in: 'path', required: true, schema: { type: 'integer' } });
  });
});
