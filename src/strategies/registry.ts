// The built-in strategies by name; the only place that lists them.
import { donchianBreakout } from './donchian-breakout.js';
import { emaCross } from './ema-cross.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';
import type { StrategyFactory } from './types.js';

export const STRATEGY_NAMES = ['sma-cross', 'ema-cross', 'rsi-reversion', 'donchian-breakout'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

const FACTORIES: Record<StrategyName, StrategyFactory> = {
  'sma-cross': smaCross,
  'ema-cross': emaCross,
  'rsi-reversion': rsiReversion,
  'donchian-breakout': donchianBreakout,
};

export class UnknownStrategyError extends Error {
  override readonly name = 'UnknownStrategyError';
}

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

export function getStrategy(name: string): StrategyFactory {
  if (!isStrategyName(name)) {
    throw new UnknownStrategyError(`unknown strategy "${name}"; accepted: ${STRATEGY_NAMES.join(', ')}`);
  }
  return FACTORIES[name];
}

export function listStrategies(): readonly StrategyFactory[] {
  return STRATEGY_NAMES.map((n) => FACTORIES[n]);
}
