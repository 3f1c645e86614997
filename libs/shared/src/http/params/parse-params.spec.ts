import { describe, it, expect } from '@jest/globals';
import { MaxLength } from 'class-validator';
import { ParamsInvalidError } from '@app/kernel';
import { INVALID } from './coercion.js';
import { Param, ParamGroup, paramProblem, paramRulesOf, paramSpecsOf, ruleProblem, type ParamSpec } from './param.decorators.js';
import { parseParams } from './parse-params.js';

// ---- small DTOs, declared the way the API's DTOs are ------------------------------------------

class SearchParams {
  @Param('string', { required: true }) name!: string;
  @Param('integer', { required: true }) count!: number;
  @Param('string', { values: ['asc', 'desc'], default: 'desc' }) sort?: string;
  @Param('integer', { exceptValues: [0], default: 20 }) per_page?: number;
  @Param('boolean', { default: false }) active?: boolean;
  @Param('string_array', { values: ['api', 'read_user'] }) scopes?: string[];
  @Param('datetime') since?: Date | null;
  @Param('date') until?: string | null;
}

class BaseParams {
  @Param('string', { required: true }) inherited_a!: string;
  @Param('string', { required: true }) inherited_b?: string | number;
}

class ChildParams extends BaseParams {
  @Param('string', { required: true }) own!: string;
}

class OverridingParams extends BaseParams {
  @Param('integer') override inherited_b?: number = undefined;
  @Param('string', { required: true }) own!: string;
}

@ParamGroup('at_least_one_of', 'password', 'reset_password')
class AtLeastOneParams {
  @Param('string', { required: true }) email!: string;
  @Param('string') password?: string | null;
  @Param('boolean') reset_password?: boolean | null;
  @Param('string', { required: true }) username!: string;
}

@ParamGroup('at_least_one_of', 'password', 'reset_password', { after: 'reset_password' })
class AnchoredParams {
  @Param('string', { required: true }) email!: string;
  @Param('string') password?: string | null;
  @Param('boolean') reset_password?: boolean | null;
  @Param('string', { required: true }) username!: string;
}

@ParamGroup('all_or_none_of', 'extern_uid', 'provider')
class IdentityParams {
  @Param('string') extern_uid?: string;
  @Param('string') provider?: string;
}

@ParamGroup('mutually_exclusive', 'scopes', 'granular_scopes')
class ExclusiveParams {
  @Param('string_array') scopes?: string[];
  @Param('string_array') granular_scopes?: string[];
}

@ParamGroup('all_or_none_of', 'extern_uid', 'provider')
class ChildWithRules extends AtLeastOneParams {
  @Param('string') extern_uid?: string;
  @Param('string') provider?: string;
}

/** A rule no `@Param` states, left to class-validator. */
class ClassValidatedParams {
  @Param('integer') count?: number;
  @Param('string', { required: true })
  @MaxLength(5)
  code!: string;
}

/** Runs parseParams and returns the Grape messages it refused with. */
function refusal<T extends object>(dto: new () => T, raw: Record<string, unknown>): string[] {
  try {
    parseParams(dto, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsInvalidError);
    const invalid = error as ParamsInvalidError;
    expect(invalid.code).toBe('http.params_invalid');
    expect(invalid.message).toBe(invalid.messages.join(', '));
    return invalid.messages;
  }
  throw new Error('expected parseParams to throw');
}

// ---- parseParams -------------------------------------------------------------------------------

describe('parseParams', () => {
  it('given valid form strings, then each value is coerced to its declared type', () => {
    const params = parseParams(SearchParams, {
      name: 'jdoe',
      count: '3',
      sort: 'asc',
      per_page: '50',
      active: 'True',
      scopes: 'api,read_user',
      since: '2024-01-02T03:04:05Z',
      until: '2024-02-03',
    });

    expect(params).toBeInstanceOf(SearchParams);
    expect(params.name).toBe('jdoe');
    expect(params.count).toBe(3);
    expect(params.sort).toBe('asc');
    expect(params.per_page).toBe(50);
    expect(params.active).toBe(true);
    expect(params.scopes).toEqual(['api', 'read_user']);
    expect(params.since).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(params.until).toBe('2024-02-03');
  });

  it('given JSON types, then they are accepted as well', () => {
    const params = parseParams(SearchParams, { name: 'jdoe', count: 3, active: false, scopes: ['api'] });

    expect(params).toMatchObject({ name: 'jdoe', count: 3, active: false, scopes: ['api'] });
  });

  it('given optional params are absent, then defaults are applied and absent ones stay undefined', () => {
    const params = parseParams(SearchParams, { name: 'jdoe', count: '1' });

    expect(params.sort).toBe('desc');
    expect(params.per_page).toBe(20);
    expect(params.active).toBe(false);
    expect(params.scopes).toBeUndefined();
    expect(params.since).toBeUndefined();
  });

  it('given an optional param is sent empty, then it is null and the default is not applied', () => {
    const params = parseParams(SearchParams, { name: 'jdoe', count: '1', active: '', since: '' });

    expect(params.active).toBeNull();
    expect(params.since).toBeNull();
  });

  it('given unknown params, then they are dropped', () => {
    const params = parseParams(SearchParams, { name: 'jdoe', count: '1', admin: 'true', private_token: 'secret' });

    expect(params).not.toHaveProperty('admin');
    expect(params).not.toHaveProperty('private_token');
    expect(params.__present.has('admin')).toBe(false);
  });

  it('then __present names exactly the declared params the client sent (not defaulted ones), and is not enumerable', () => {
    const params = parseParams(SearchParams, { name: 'jdoe', count: '1', since: null, other: 'x' });

    expect([...params.__present].sort()).toEqual(['count', 'name', 'since']);
    expect(params.__present.has('per_page')).toBe(false);
    expect(Object.keys(params)).not.toContain('__present');
  });

  it('given nothing, then "x is missing" for every required param, in declaration order', () => {
    expect(refusal(SearchParams, {})).toEqual(['name is missing', 'count is missing']);
  });

  it('given a bad integer, then "x is invalid"', () => {
    expect(refusal(SearchParams, { name: 'a', count: 'abc' })).toEqual(['count is invalid']);
  });

  it('given a float for an integer, then "x is invalid"', () => {
    expect(refusal(SearchParams, { name: 'a', count: '1.5' })).toEqual(['count is invalid']);
  });

  it('given a value outside values:, then "x does not have a valid value"', () => {
    expect(refusal(SearchParams, { name: 'a', count: '1', sort: 'sideways' })).toEqual(['sort does not have a valid value']);
  });

  it('given an array with one item outside values:, then "x does not have a valid value"', () => {
    expect(refusal(SearchParams, { name: 'a', count: '1', scopes: ['api', 'write'] })).toEqual(['scopes does not have a valid value']);
  });

  it('given a value in except_values:, then "x has a value not allowed"', () => {
    expect(refusal(SearchParams, { name: 'a', count: '1', per_page: '0' })).toEqual(['per_page has a value not allowed']);
  });

  it('given a bad boolean and a bad datetime, then "is invalid" for each', () => {
    expect(refusal(SearchParams, { name: 'a', count: '1', active: 'maybe', since: 'yesterday' })).toEqual(['active is invalid', 'since is invalid']);
  });

  it('given several failures, then one message per param in declaration order whatever the input order', () => {
    expect(refusal(SearchParams, { until: 'nope', per_page: 0, sort: 'x', count: 'x' })).toEqual([
      'name is missing',
      'count is invalid',
      'sort does not have a valid value',
      'per_page has a value not allowed',
      'until is invalid',
    ]);
  });

  it('then the error message joins the messages with ", " (the Grape body)', () => {
    try {
      parseParams(SearchParams, {});
      throw new Error('expected parseParams to throw');
    } catch (error) {
      expect((error as Error).message).toBe('name is missing, count is missing');
    }
  });

  it('given a required param sent as null, then "x is empty"', () => {
    expect(refusal(SearchParams, { name: null, count: '1' })).toEqual(['name is empty']);
  });

  it('given a key that only exists on the prototype, then it is not taken as sent', () => {
    const raw = Object.create({ name: 'inherited' }) as Record<string, unknown>;
    raw.count = '1';
    expect(refusal(SearchParams, raw)).toEqual(['name is missing']);
  });

  describe('inheritance', () => {
    it('then a subclass lists its own params before the inherited ones', () => {
      expect(paramSpecsOf(ChildParams).map((spec) => spec.name)).toEqual(['own', 'inherited_a', 'inherited_b']);
      expect(refusal(ChildParams, {})).toEqual(['own is missing', 'inherited_a is missing', 'inherited_b is missing']);
    });

    it('then a param redeclared in the subclass replaces the inherited one, in the subclass position', () => {
      expect(paramSpecsOf(OverridingParams).map((spec) => `${spec.name}:${spec.type}`)).toEqual(['inherited_b:integer', 'own:string', 'inherited_a:string']);
      expect(refusal(OverridingParams, { inherited_b: 'x' })).toEqual(['inherited_b is invalid', 'own is missing', 'inherited_a is missing']);
    });

    it('then the parent is not affected by the subclass declarations', () => {
      expect(paramSpecsOf(BaseParams).map((spec) => spec.name)).toEqual(['inherited_a', 'inherited_b']);
    });

    it('then inherited values are parsed too', () => {
      const params = parseParams(ChildParams, { own: 'o', inherited_a: 'a', inherited_b: 'b' });
      expect(params).toMatchObject({ own: 'o', inherited_a: 'a', inherited_b: 'b' });
    });
  });

  describe('group rules', () => {
    it('given none of an at_least_one_of group, then the group message comes after the param messages by default', () => {
      expect(refusal(AtLeastOneParams, {})).toEqual([
        'email is missing',
        'username is missing',
        'password, reset_password are missing, at least one parameter must be provided',
      ]);
    });

    it('given a group anchored after a param, then its message takes that place among the param messages', () => {
      expect(refusal(AnchoredParams, {})).toEqual([
        'email is missing',
        'password, reset_password are missing, at least one parameter must be provided',
        'username is missing',
      ]);
    });

    it('given one member of an at_least_one_of group, even false or empty, then the group is satisfied (key presence counts)', () => {
      expect(parseParams(AtLeastOneParams, { email: 'e', username: 'u', reset_password: false }).reset_password).toBe(false);
      expect(parseParams(AtLeastOneParams, { email: 'e', username: 'u', password: '' }).password).toBe('');
    });

    it('given only one of an all_or_none_of group, then "a, b provide all or none of parameters"', () => {
      expect(refusal(IdentityParams, { provider: 'github' })).toEqual(['extern_uid, provider provide all or none of parameters']);
    });

    it('given all or none of an all_or_none_of group, then it passes', () => {
      expect(parseParams(IdentityParams, {}).__present.size).toBe(0);
      expect(parseParams(IdentityParams, { provider: 'github', extern_uid: '1' })).toMatchObject({ provider: 'github', extern_uid: '1' });
    });

    it('given both of a mutually_exclusive group, then "a, b are mutually exclusive"', () => {
      expect(refusal(ExclusiveParams, { scopes: 'api', granular_scopes: 'x' })).toEqual(['scopes, granular_scopes are mutually exclusive']);
    });

    it('then a subclass keeps the rules of its parent, its own first', () => {
      expect(paramRulesOf(ChildWithRules).map((rule) => rule.kind)).toEqual(['all_or_none_of', 'at_least_one_of']);
      expect(refusal(ChildWithRules, { email: 'e', username: 'u', provider: 'p' })).toEqual([
        'extern_uid, provider provide all or none of parameters',
        'password, reset_password are missing, at least one parameter must be provided',
      ]);
    });
  });
});

describe('parseParams with class-validator decorators beside @Param', () => {
  it('given a value that breaks only the class-validator rule, then its message', () => {
    expect(refusal(ClassValidatedParams, { code: 'toolong' })).toEqual(['code must be shorter than or equal to 5 characters']);
  });

  it('given a param its @Param refuses, then only the Grape message for it, in declaration order', () => {
    expect(refusal(ClassValidatedParams, { count: 'x' })).toEqual(['count is invalid', 'code is missing']);
  });

  it('given values that satisfy both, then they are parsed', () => {
    expect(parseParams(ClassValidatedParams, { code: 'abc', count: '2' })).toMatchObject({ code: 'abc', count: 2 });
  });
});

// ---- the building blocks -----------------------------------------------------------------------

describe('paramProblem', () => {
  const spec = (overrides: Partial<ParamSpec> = {}): ParamSpec => ({ name: 'p', type: 'string', required: false, ...overrides });

  it.each([
    [spec({ required: true }), undefined, 'is missing'],
    [spec(), undefined, null],
    [spec(), INVALID, 'is invalid'],
    [spec({ required: true }), null, 'is empty'],
    [spec(), null, null],
    [spec({ values: ['a'] }), 'b', 'does not have a valid value'],
    [spec({ values: ['a'] }), 'a', null],
    [spec({ exceptValues: [0] }), 0, 'has a value not allowed'],
    [spec({ exceptValues: ['x'] }), ['a', 'x'], 'has a value not allowed'],
  ])('given %o and %p, then %p', (paramSpec, value, problem) => {
    expect(paramProblem(paramSpec, value)).toBe(problem);
  });
});

describe('ruleProblem', () => {
  it('names only the params actually sent in a mutually_exclusive breach', () => {
    expect(ruleProblem({ kind: 'mutually_exclusive', params: ['a', 'b', 'c'] }, new Set(['a', 'c']))).toBe('a, c are mutually exclusive');
    expect(ruleProblem({ kind: 'mutually_exclusive', params: ['a', 'b', 'c'] }, new Set(['b']))).toBeNull();
  });

  it('lists every member in at_least_one_of and all_or_none_of messages', () => {
    expect(ruleProblem({ kind: 'at_least_one_of', params: ['a', 'b', 'c'] }, new Set())).toBe(
      'a, b, c are missing, at least one parameter must be provided',
    );
    expect(ruleProblem({ kind: 'all_or_none_of', params: ['a', 'b', 'c'] }, new Set(['a', 'b']))).toBe('a, b, c provide all or none of parameters');
  });
});
