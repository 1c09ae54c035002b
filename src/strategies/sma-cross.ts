// sma-cross for today's engine and backtester: the SDK built-in (builtin/sma-cross.ts) through the legacy adapter.
import definition from './builtin/sma-cross.js';
import { toLegacyFactory } from './legacy-adapter.js';
import type { StrategyFactory } from './types.js';

export const smaCross: StrategyFactory = toLegacyFactory(definition, 'sma-cross');
