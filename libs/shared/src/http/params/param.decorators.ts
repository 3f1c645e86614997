import 'reflect-metadata';
import {
  coerceBoolean,
  coerceDate,
  coerceDateTime,
  coerceInteger,
  coerceString,
  coerceStringArray,
  coerceStringHash,
  INVALID,
  type Coerced,
} from './coercion.js';

export type ParamType = 'string' | 'integer' | 'boolean' | 'datetime' | 'date' | 'string_array' | 'string_hash' | 'file';

export interface ParamSpec {
  name: string;
  type: ParamType;
  required: boolean;
  /** Grape `values:`; a breach answers "<p> does not have a valid value". */
  values?: readonly unknown[];
  /** Grape `except_values:`; a breach answers "<p> has a value not allowed". */
  exceptValues?: readonly unknown[];
  default?: unknown;
  description?: string;
}

const PARAMS_KEY = Symbol('gitlab:params');

export const COERCERS: Record<Exclude<ParamType, 'file'>, (raw: unknown) => Coerced<unknown>> = {
  string: coerceString,
  integer: coerceInteger,
  boolean: coerceBoolean,
  datetime: coerceDateTime,
  date: coerceDate,
  string_array: coerceStringArray,
  string_hash: coerceStringHash,
};

/**
 * Declares a request parameter the way a Grape `requires`/`optional` line does.
 * Declaration order is the order of error messages, as in Grape. parseParams checks it with
 * paramProblem directly (no class-validator constraint: that would cost an instance walk per request).
 */
export function Param(type: ParamType, options: Omit<ParamSpec, 'name' | 'type' | 'required'> & { required?: boolean } = {}) {
  return (target: object, propertyKey: string | symbol): void => {
    const ctor = target.constructor;
    const existing: ParamSpec[] = Reflect.getOwnMetadata(PARAMS_KEY, ctor) ?? [];
    const spec: ParamSpec = { name: String(propertyKey), type, required: options.required ?? false, ...options };
    Reflect.defineMetadata(PARAMS_KEY, [...existing.filter((p) => p.name !== spec.name), spec], ctor);
  };
}

/** Grape's wording for what is wrong with one coerced value, or null when it is fine. */
export function paramProblem(spec: ParamSpec, value: unknown): string | null {
  if (value === undefined) return spec.required ? 'is missing' : null;
  if (value === INVALID) return 'is invalid';
  if (value === null) return spec.required ? 'is empty' : null;
  const items = Array.isArray(value) ? value : [value];
  if (spec.values && !items.every((item) => spec.values!.includes(item))) return 'does not have a valid value';
  if (spec.exceptValues && items.some((item) => spec.exceptValues!.includes(item))) return 'has a value not allowed';
  return null;
}

/** A subclass's own params come first, then those it inherits (Grape's `use :helper` order). */
export function paramSpecsOf(dto: Function): ParamSpec[] {
  const own: ParamSpec[] = Reflect.getOwnMetadata(PARAMS_KEY, dto) ?? [];
  const parent = Object.getPrototypeOf(dto) as Function | null;
  const inherited = parent && parent !== Function.prototype ? paramSpecsOf(parent) : [];
  return [...own, ...inherited.filter((spec) => !own.some((mine) => mine.name === spec.name))];
}

export type ParamRuleKind = 'all_or_none_of' | 'at_least_one_of' | 'mutually_exclusive';
export interface ParamRule {
  kind: ParamRuleKind;
  params: string[];
  /** The param the rule is declared right after (its place among the error messages); by default after all params. */
  after?: string;
}
const RULES_KEY = Symbol('gitlab:param-rules');

/**
 * Grape's group validators (`all_or_none_of`, `at_least_one_of`, `mutually_exclusive`).
 * A trailing `{ after: 'param' }` places the rule's message where Grape declared it.
 */
export function ParamGroup(kind: ParamRuleKind, ...args: (string | { after: string })[]) {
  const params = args.filter((arg): arg is string => typeof arg === 'string');
  const after = args.find((arg): arg is { after: string } => typeof arg !== 'string')?.after;
  return (target: Function): void => {
    const existing: ParamRule[] = Reflect.getOwnMetadata(RULES_KEY, target) ?? [];
    Reflect.defineMetadata(RULES_KEY, [...existing, { kind, params, ...(after !== undefined ? { after } : {}) }], target);
  };
}

export function paramRulesOf(dto: Function): ParamRule[] {
  const own: ParamRule[] = Reflect.getOwnMetadata(RULES_KEY, dto) ?? [];
  const parent = Object.getPrototypeOf(dto) as Function | null;
  return [...own, ...(parent && parent !== Function.prototype ? paramRulesOf(parent) : [])];
}

/** Grape's message for a breached group rule, given which params were sent. */
export function ruleProblem(rule: ParamRule, present: ReadonlySet<string>): string | null {
  const sent = rule.params.filter((name) => present.has(name));
  const list = rule.params.join(', ');
  switch (rule.kind) {
    case 'all_or_none_of':
      return sent.length === 0 || sent.length === rule.params.length ? null : `${list} provide all or none of parameters`;
    case 'at_least_one_of':
      return sent.length > 0 ? null : `${list} are missing, at least one parameter must be provided`;
    case 'mutually_exclusive':
      return sent.length <= 1 ? null : `${sent.join(', ')} are mutually exclusive`;
  }
}
