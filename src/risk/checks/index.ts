// Every risk check, in the order they are reported. Account-state checks come before sizing; the
// order checks after it (they judge the sized order and are skipped when sizing failed).
import { dailyLossCheck } from './daily-loss.js';
import { instrumentFiltersCheck } from './instrument-filters.js';
import { lossCooldownCheck } from './loss-cooldown.js';
import { maxDrawdownCheck } from './max-drawdown.js';
import { maxGrossExposureCheck } from './max-gross-exposure.js';
import { maxLeverageCheck } from './max-leverage.js';
import { maxNotionalPerSymbolCheck } from './max-notional-per-symbol.js';
import { maxOpenPositionsCheck } from './max-open-positions.js';
import { positionSideCheck } from './position-side.js';
import { priceBandCheck } from './price-band.js';
import { spotBalanceCheck } from './spot-balance.js';
import { staleDataCheck } from './stale-data.js';
import { tradingStateCheck } from './trading-state.js';
import type { RiskCheck } from './types.js';

export const STATE_CHECKS: readonly RiskCheck[] = [
  tradingStateCheck,
  staleDataCheck,
  dailyLossCheck,
  maxDrawdownCheck,
  lossCooldownCheck,
];

export const ORDER_CHECKS: readonly RiskCheck[] = [
  priceBandCheck,
  positionSideCheck,
  spotBalanceCheck,
  instrumentFiltersCheck,
  maxNotionalPerSymbolCheck,
  maxGrossExposureCheck,
  maxLeverageCheck,
  maxOpenPositionsCheck,
];

export {
  dailyLossCheck,
  instrumentFiltersCheck,
  lossCooldownCheck,
  maxDrawdownCheck,
  maxGrossExposureCheck,
  maxLeverageCheck,
  maxNotionalPerSymbolCheck,
  maxOpenPositionsCheck,
  positionSideCheck,
  priceBandCheck,
  spotBalanceCheck,
  staleDataCheck,
  tradingStateCheck,
};
export type { CheckContext, OrderContext, PricedContext, RiskCheck } from './types.js';
