// rsi-reversion for today's engine and backtester: the SDK built-in (builtin/rsi-reversion.ts) through the legacy adapter.
import definition from './builtin/rsi-reversion.js';
import { toLegacyFactory } from './legacy-adapter.js';
import type { StrategyFactory } from './types.js';

export const rsiReversion: StrategyFactory = toLegacyFactory(definition, 'rsi-reversion');
