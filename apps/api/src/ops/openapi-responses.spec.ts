import { describe, expect, it } from '@jest/globals';
import type { AuthMode } from '@app/shared';
import { describeOperations, OPERATION_RESPONSES, type DescribedOperation, type OperationResponses } from './openapi-responses.js';
import { COMPONENT_SCHEMAS } from './openapi-schemas.js';

type Paths = Record<string, Record<string, DescribedOperation>>;

const CATALOGUE: Record<string, OperationResponses> = {
  'ThingsController.list': {
    summary: 'List things',
    success: [{ status: 200, description: 'Things', json: { arrayOf: 'CustomAttribute' } }],
    errors: [400, 401, 503],
    pagination: 'offset',
  },
  'ThingsController.remove': {
    summary: 'Delete a thing',
    success: [{ status: 204, description: 'Deleted' }],
    errors: [409, 400],
    notes: { 409: 'Someone else changed it' },
  },
  'HealthController.liveness': { summary: 'Alive', success: [{ status: 200, description: 'Alive', json: 'Liveness' }], errors: [400] },
};

const paths = (): Paths => ({
  '/things': { get: { operationId: 'ThingsController.list', parameters: [{ name: 'per_page', in: 'query', schema: { type: 'integer' } }] } },
  '/things/{id}': { delete: { operationId: 'ThingsController.remove', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] } },
  '/-/liveness': { get: { operationId: 'HealthController.liveness' } },
});
const modes: Record<string, AuthMode> = { 'ThingsController.list': 'optional', 'ThingsController.remove': 'non_get', 'HealthController.liveness': 'none' };

describe('describeOperations', () => {
  it('given an operation without an entry, then it throws and names the operation', () => {
    const document = paths();
    document['/things/{id}'].put = { operationId: 'ThingsController.update' };

    expect(() => describeOperations(document, (id) => modes[id] ?? 'optional', CATALOGUE)).toThrow(
      /no responses documented for ThingsController\.update \(PUT \/things\/\{id\}\)/,
    );
  });

  it('given an entry that matches no operation, then it throws and names the entry', () => {
    const document = paths();
    delete document['/-/liveness'];

    expect(() => describeOperations(document, (id) => modes[id], CATALOGUE)).toThrow(/responses documented for HealthController\.liveness, which is no operation/);
  });

  it('given every operation described, then each gets its success and error responses, errors with the Error schema', () => {
    const document = paths();
    describeOperations(document, (id) => modes[id], CATALOGUE);

    const list = document['/things'].get;
    expect(Object.keys(list.responses ?? {})).toEqual(['200', '400', '401', '503']);
    expect(list.responses?.['200']).toMatchObject({
      content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/CustomAttribute' } } } },
      headers: { 'X-Per-Page': { required: true }, 'X-Total': { schema: { type: 'integer' } } },
    });
    expect(list.responses?.['401']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    expect(list.responses?.['503']).toMatchObject({ headers: { 'Retry-After': { required: true } } });
    const remove = document['/things/{id}'].delete;
    expect(Object.keys(remove.responses ?? {})).toEqual(['204', '400', '409']);
    expect(remove.responses?.['204']).toEqual({ description: 'Deleted' });
    expect(remove.responses?.['409'].description).toBe('Someone else changed it');
  });

  it('then offset pagination adds page and per_page, describing the ones already declared', () => {
    const document = paths();
    describeOperations(document, (id) => modes[id], CATALOGUE);

    const query = (document['/things'].get.parameters ?? []).filter((parameter) => parameter.in === 'query');
    expect(query.map((parameter) => parameter.name)).toEqual(['per_page', 'page']);
    expect(query[0]).toMatchObject({ schema: { type: 'integer' }, description: expect.stringContaining('100') });
  });

  it('then security follows the authentication mode: none is public, optional also anonymous, a non_get write needs a token', () => {
    const document = paths();
    describeOperations(document, (id) => modes[id], CATALOGUE);

    expect(document['/-/liveness'].get.security).toEqual([]);
    expect(document['/things'].get.security).toContainEqual({});
    expect(document['/things/{id}'].delete.security).not.toContainEqual({});
    expect(document['/things/{id}'].delete.security).toContainEqual({ 'private-token': [] });
    expect((document['/things/{id}'].delete.parameters ?? []).map((parameter) => parameter.name)).toContain('Sudo');
    expect((document['/-/liveness'].get.parameters ?? []).map((parameter) => parameter.name)).not.toContain('Sudo');
  });
});

describe('OPERATION_RESPONSES', () => {
  it('names only schemas that exist', () => {
    const names = new Set(Object.keys(COMPONENT_SCHEMAS));
    for (const [id, entry] of Object.entries(OPERATION_RESPONSES)) {
      for (const success of entry.success) {
        const json = success.json;
        if (json === undefined) continue;
        const named = typeof json === 'string' ? [json] : 'arrayOf' in json ? [json.arrayOf] : 'oneOf' in json ? json.oneOf : json.arrayOfOneOf;
        for (const name of named) expect({ id, name, exists: names.has(name) }).toEqual({ id, name, exists: true });
      }
    }
  });

  it('gives every token-authenticated operation the token errors, and every write the 409 of colliding writes', () => {
    for (const [id, entry] of Object.entries(OPERATION_RESPONSES)) {
      // Not token-authenticated: health, metrics, avatars, and sign-up (anyone may call it; a token is not looked at).
      if (id.startsWith('HealthController') || id.startsWith('MetricsController') || id.startsWith('AvatarsController') || id.startsWith('SignUpController')) continue;
      expect({ id, errors: entry.errors }).toEqual({ id, errors: expect.arrayContaining([400, 401, 403, 404, 413, 503]) });
      const write = /\.(create|update|set|remove)$/.test(id);
      if (write) expect({ id, errors: entry.errors }).toEqual({ id, errors: expect.arrayContaining([409]) });
    }
  });
});
