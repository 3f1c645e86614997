import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ParamsInvalidError } from '@app/kernel';
import { COERCERS, paramRulesOf, paramSpecsOf, ruleProblem } from './param.decorators.js';

export type ParsedParams<T> = T & { readonly __present: ReadonlySet<string> };

/**
 * Turns merged query/body parameters into an instance of `dto`: unknown keys dropped,
 * values coerced, defaults applied, and failures reported as Grape does
 * (`{"error":"a is missing, b is invalid"}`, in declaration order).
 * `__present` names the parameters the client actually sent.
 */
export function parseParams<T extends object>(dto: new () => T, raw: Record<string, unknown>): ParsedParams<T> {
  const specs = paramSpecsOf(dto);
  const plain: Record<string, unknown> = {};
  const present = new Set<string>();
  for (const spec of specs) {
    const sent = Object.prototype.hasOwnProperty.call(raw, spec.name) ? raw[spec.name] : undefined;
    if (sent !== undefined) present.add(spec.name);
    if (spec.type === 'file') {
      plain[spec.name] = sent;
      continue;
    }
    const value = COERCERS[spec.type](sent);
    plain[spec.name] = value === undefined && spec.default !== undefined ? spec.default : value;
  }
  const instance = plainToInstance(dto, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, { stopAtFirstError: true, forbidUnknownValues: false });
  const order = new Map(specs.map((spec, index) => [spec.name, index]));
  // Each message sorts by where its param (or rule) was declared; the sort is stable.
  const ranked: { rank: number; message: string }[] = errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => ({ rank: order.get(error.property) ?? 0, message })),
  );
  for (const rule of paramRulesOf(dto)) {
    const problem = ruleProblem(rule, present);
    const anchor = rule.after !== undefined ? order.get(rule.after) : undefined;
    if (problem) ranked.push({ rank: anchor !== undefined ? anchor + 0.5 : specs.length, message: problem });
  }
  const messages = ranked.sort((a, b) => a.rank - b.rank).map((entry) => entry.message);
  if (messages.length > 0) throw new ParamsInvalidError(messages);
  Object.defineProperty(instance, '__present', { value: present, enumerable: false });
  return instance as ParsedParams<T>;
}
