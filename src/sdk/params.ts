// Declared strategy parameters → validated values: defaults filled, ranges enforced, unknown names
// refused; every message names the strategy, the parameter and what is accepted.
import type { ParamDecl, ParamDecls, Params } from './types.js';

export class StrategyParamError extends Error {
  override readonly name = 'StrategyParamError';
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

export function describeRange(d: ParamDecl): string {
  return `${d.int ? 'an integer' : 'a number'} from ${d.min} to ${d.max}`;
}

function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v.trim());
  return null;
}

/** Validate raw values (numbers or numeric strings, e.g. from --param) against the declarations. */
export function resolveParams<P extends ParamDecls>(
  strategy: string,
  decls: P,
  raw: Readonly<Record<string, unknown>>,
): Params<P> {
  const names = Object.keys(decls);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(decls, key)) {
      const accepted = names.length ? names.join(', ') : 'none';
      throw new StrategyParamError(key, `${strategy} has no param "${key}"; accepted: ${accepted}`);
    }
  }
  const out: Record<string, number> = {};
  for (const name of names) {
    const d = decls[name] as ParamDecl;
    const given = raw[name];
    const v = given === undefined ? d.default : toNumber(given);
    const ok =
      v !== null && Number.isFinite(v) && v >= d.min && v <= d.max && (!d.int || Number.isInteger(v));
    if (!ok) {
      throw new StrategyParamError(
        name,
        `${strategy} param ${name} must be ${describeRange(d)}, got ${shown(given)}`,
      );
    }
    out[name] = v;
  }
  return Object.freeze(out) as Params<P>;
}

/** Problems in the declarations themselves (a user file's mistakes), as messages; empty when sound. */
export function checkDecls(decls: ParamDecls): string[] {
  const problems: string[] = [];
  for (const [name, d] of Object.entries(decls)) {
    const nums = [d.default, d.min, d.max];
    if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      problems.push(`param ${name}: default, min and max must be finite numbers`);
      continue;
    }
    if (d.min > d.max) problems.push(`param ${name}: min ${d.min} is above max ${d.max}`);
    if (d.default < d.min || d.default > d.max)
      problems.push(`param ${name}: default ${d.default} is outside ${d.min}..${d.max}`);
    if (d.int && !nums.every(Number.isInteger))
      problems.push(`param ${name}: an int param needs whole default, min and max`);
  }
  return problems;
}
