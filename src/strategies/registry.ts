// The built-in strategies by name, as legacy factories and as SDK definitions; the only place that lists them.
import { donchianBreakout } from './donchian-breakout.js';
import { emaCross } from './ema-cross.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';
import type { StrategyDefinition } from '../sdk/types.js';
import donchianDef from './builtin/donchian-breakout.js';
import emaDef from './builtin/ema-cross.js';
import rsiDef from './builtin/rsi-reversion.js';
import smaDef from './builtin/sma-cross.js';
import { isStrategyPath, loadStrategyFile } from '../sdk/loader.js';
import { toLegacyFactory, widen } from './legacy-adapter.js';
import type { StrategyFactory } from './types.js';

export const STRATEGY_NAMES = ['sma-cross', 'ema-cross', 'rsi-reversion', 'donchian-breakout'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

const FACTORIES: Record<StrategyName, StrategyFactory> = {
  'sma-cross': smaCross,
  'ema-cross': emaCross,
  'rsi-reversion': rsiReversion,
  'donchian-breakout': donchianBreakout,
};

const DEFINITIONS: Record<StrategyName, StrategyDefinition> = {
  // Each definition's params are typed by its own declarations; callers validate with resolveParams.
  'sma-cross': widen(smaDef),
  'ema-cross': widen(emaDef),
  'rsi-reversion': widen(rsiDef),
  'donchian-breakout': widen(donchianDef),
};

export class UnknownStrategyError extends Error {
  override readonly name = 'UnknownStrategyError';
}

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/** User strategy files loaded so far (resolveStrategy), by the path as given and as resolved. */
const LOADED = new Map<string, { factory: StrategyFactory; definition: StrategyDefinition }>();

export function getStrategy(name: string): StrategyFactory {
  const loaded = LOADED.get(name);
  if (loaded) return loaded.factory;
  if (!isStrategyName(name)) {
    throw new UnknownStrategyError(`unknown strategy "${name}"; accepted: ${STRATEGY_NAMES.join(', ')}`);
  }
  return FACTORIES[name];
}

export function listStrategies(): readonly StrategyFactory[] {
  return STRATEGY_NAMES.map((n) => FACTORIES[n]);
}

/** A built-in's SDK definition (for the kernel); user files come from the loader (src/sdk/loader.ts). */
export function getDefinition(name: string): StrategyDefinition {
  const loaded = LOADED.get(name);
  if (loaded) return loaded.definition;
  if (!isStrategyName(name)) {
    throw new UnknownStrategyError(`unknown strategy "${name}"; accepted: ${STRATEGY_NAMES.join(', ')}`);
  }
  return DEFINITIONS[name];
}

/**
 * A built-in name, or a path to a .ts/.js strategy file (relative to `base`), loaded once; afterwards
 * getStrategy and getDefinition answer for that path too. A broken file is an UnknownStrategyError
 * naming the file and the problem (file:line when known).
 */
export async function resolveStrategy(nameOrPath: string, base?: string): Promise<StrategyFactory> {
  if (isStrategyName(nameOrPath)) return FACTORIES[nameOrPath];
  const known = LOADED.get(nameOrPath);
  if (known) return known.factory;
  if (!isStrategyPath(nameOrPath)) return getStrategy(nameOrPath);
  const r = await loadStrategyFile(nameOrPath, base);
  if (!r.ok) throw new UnknownStrategyError(r.error);
  const entry = { factory: toLegacyFactory(r.definition, r.name), definition: r.definition };
  LOADED.set(nameOrPath, entry);
  LOADED.set(r.file, entry);
  return entry.factory;
}
