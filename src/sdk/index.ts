// The strategy SDK's public entry: types to write a strategy file with, and defineStrategy for inference.
import type { ParamDecls, StrategyDefinition } from './types.js';

export type * from './types.js';
export { resolveParams, checkDecls, describeRange, StrategyParamError } from './params.js';
export * from './exact.js';

/** Identity, for type inference of params in a strategy file: `export default defineStrategy({...})`. */
export function defineStrategy<P extends ParamDecls>(def: StrategyDefinition<P>): StrategyDefinition<P> {
  return def;
}
