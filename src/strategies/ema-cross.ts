// ema-cross for today's engine and backtester: the SDK built-in (builtin/ema-cross.ts) through the legacy adapter.
import definition from './builtin/ema-cross.js';
import { toLegacyFactory } from './legacy-adapter.js';
import type { StrategyFactory } from './types.js';

export const emaCross: StrategyFactory = toLegacyFactory(definition, 'ema-cross');
