// Typed strategy parameters: a declarative spec per strategy becomes a strict zod schema with
// defaults; every failure names the parameter and the accepted range.
import { z } from 'zod';
import type { ParamSpec, StrategyParams } from './types.js';

// One error class for the SDK and the legacy parsers, so callers' instanceof checks catch both.
import { StrategyParamError } from '../sdk/params.js';
export { StrategyParamError };

/** A cross-parameter rule, e.g. fast < slow; returns a message naming the parameters, or null. */
export type ParamRule = (p: StrategyParams) => { param: string; message: string } | null;

export function describeRange(spec: ParamSpec): string {
  const what = spec.kind === 'int' ? 'an integer' : 'a number';
  return `${what} from ${spec.min} to ${spec.max}`;
}

function fieldSchema(spec: ParamSpec): z.ZodType<number> {
  const base = spec.kind === 'int' ? z.number().int() : z.number();
  const num = z.preprocess((v) => {
    if (typeof v === 'string' && v.trim() !== '') return Number(v.trim());
    return v;
  }, base.min(spec.min).max(spec.max));
  return num.default(spec.default) as unknown as z.ZodType<number>;
}

function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

/** Build the parser for one strategy's params. */
export function paramParser(
  strategy: string,
  specs: readonly ParamSpec[],
  rules: readonly ParamRule[] = [],
): (raw: Readonly<Record<string, unknown>>) => StrategyParams {
  const shape: Record<string, z.ZodType<number>> = {};
  for (const s of specs) shape[s.name] = fieldSchema(s);
  const schema = z.strictObject(shape);
  const accepted = specs.map((s) => s.name).join(', ');
  return (raw) => {
    const res = schema.safeParse(raw);
    if (!res.success) {
      const issue = res.error.issues[0];
      if (issue?.code === 'unrecognized_keys') {
        const key = issue.keys[0] ?? '?';
        throw new StrategyParamError(key, `${strategy} has no param "${key}"; accepted: ${accepted}`);
      }
      const name = String(issue?.path[0] ?? '?');
      const spec = specs.find((s) => s.name === name);
      const range = spec ? describeRange(spec) : 'a number';
      throw new StrategyParamError(
        name,
        `${strategy} param ${name} must be ${range}, got ${shown(raw[name])}`,
      );
    }
    const params = res.data as StrategyParams;
    for (const rule of rules) {
      const bad = rule(params);
      if (bad) throw new StrategyParamError(bad.param, `${strategy} ${bad.message}`);
    }
    return Object.freeze({ ...params });
  };
}

/** Rule: params[a] < params[b]. */
export function lessThan(a: string, b: string): ParamRule {
  return (p) =>
    (p[a] ?? 0) < (p[b] ?? 0)
      ? null
      : { param: a, message: `param ${a} (${p[a]}) must be less than ${b} (${p[b]})` };
}
