// donchian-breakout for today's engine and backtester: the SDK built-in (builtin/donchian-breakout.ts) through the legacy adapter.
import definition from './builtin/donchian-breakout.js';
import { toLegacyFactory } from './legacy-adapter.js';
import type { StrategyFactory } from './types.js';

export const donchianBreakout: StrategyFactory = toLegacyFactory(definition, 'donchian-breakout', {
  aliases: { period: 'entry' },
  exitFlagOnEntry: true,
});
