import { getMetadataStorage, validateSync } from 'class-validator';
import { ParamsInvalidError } from '@app/kernel';
import { COERCERS, paramProblem, paramRulesOf, paramSpecsOf, ruleProblem, type ParamRule, type ParamSpec } from './param.decorators.js';

export type ParsedParams<T> = T & { readonly __present: ReadonlySet<string> };

/** What parsing a DTO needs, read from its decorators once (they do not change after the class is defined). */
interface DtoPlan {
  specs: readonly ParamSpec[];
  rules: readonly ParamRule[];
  /** Where each rule's message goes among the param messages (a param's rank is its index). */
  ruleRanks: readonly number[];
  /** The DTO also carries class-validator decorators of its own: rules a `@Param` cannot state. */
  classValidated: boolean;
}

const plans = new WeakMap<Function, DtoPlan>();

function planOf(dto: Function): DtoPlan {
  let plan = plans.get(dto);
  if (plan) return plan;
  const specs = paramSpecsOf(dto);
  const rules = paramRulesOf(dto);
  const ruleRanks = rules.map((rule) => {
    const anchor = rule.after === undefined ? -1 : specs.findIndex((spec) => spec.name === rule.after);
    return anchor >= 0 ? anchor + 0.5 : specs.length;
  });
  const classValidated = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;
  plan = { specs, rules, ruleRanks, classValidated };
  plans.set(dto, plan);
  return plan;
}

type Ranked = { rank: number; message: string };

/**
 * class-validator's own messages, for the DTOs that use its decorators, ranked like the param they
 * are about; a param already refused by its `@Param` keeps that one message, as Grape gives one.
 */
function classValidatorProblems(params: object, specs: readonly ParamSpec[], refused: readonly Ranked[]): Ranked[] {
  return validateSync(params, { stopAtFirstError: true, forbidUnknownValues: false }).flatMap((error) => {
    const index = specs.findIndex((spec) => spec.name === error.property);
    if (index >= 0 && refused.some((problem) => problem.rank === index)) return [];
    return Object.values(error.constraints ?? {}).map((message) => ({ rank: index >= 0 ? index : specs.length, message }));
  });
}

/**
 * Turns merged query/body parameters into an instance of `dto`: unknown keys dropped,
 * values coerced, defaults applied, and failures reported as Grape does
 * (`{"error":"a is missing, b is invalid"}`, in declaration order).
 * `__present` names the parameters the client actually sent.
 * Runs on every request: a valid request allocates the instance and `__present`, nothing else.
 */
export function parseParams<T extends object>(dto: new () => T, raw: Record<string, unknown>): ParsedParams<T> {
  const plan = planOf(dto);
  const { specs } = plan;
  const params = new dto();
  const fields = params as Record<string, unknown>;
  const present = new Set<string>();
  let problems: Ranked[] | null = null;
  for (let rank = 0; rank < specs.length; rank++) {
    const spec = specs[rank];
    const sent = Object.prototype.hasOwnProperty.call(raw, spec.name) ? raw[spec.name] : undefined;
    if (sent !== undefined) present.add(spec.name);
    let value: unknown = sent;
    if (spec.type !== 'file') {
      value = COERCERS[spec.type](sent);
      if (value === undefined && spec.default !== undefined) value = spec.default;
    }
    fields[spec.name] = value;
    const problem = paramProblem(spec, value);
    if (problem !== null) (problems ??= []).push({ rank, message: `${spec.name} ${problem}` });
  }
  for (let index = 0; index < plan.rules.length; index++) {
    const problem = ruleProblem(plan.rules[index], present);
    if (problem !== null) (problems ??= []).push({ rank: plan.ruleRanks[index], message: problem });
  }
  if (plan.classValidated) {
    const extra = classValidatorProblems(params, specs, problems ?? []);
    if (extra.length > 0) (problems ??= []).push(...extra);
  }
  // The sort is stable: rules anchored at the same place keep their declaration order.
  if (problems !== null) throw new ParamsInvalidError(problems.sort((a, b) => a.rank - b.rank).map((entry) => entry.message));
  Object.defineProperty(params, '__present', { value: present, enumerable: false });
  return params as ParsedParams<T>;
}
