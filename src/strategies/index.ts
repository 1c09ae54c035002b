// Public surface of the strategies module.
export type {
  Bar,
  Candle,
  ParamSpec,
  PortfolioView,
  PositionSide,
  Side,
  Signal,
  Strategy,
  StrategyContext,
  StrategyFactory,
  StrategyParams,
} from './types.js';
export { SIDES } from './types.js';
export { StrategyParamError, describeRange } from './params.js';
export {
  getStrategy,
  isStrategyName,
  listStrategies,
  STRATEGY_NAMES,
  UnknownStrategyError,
} from './registry.js';
export type { StrategyName } from './registry.js';
export { barFromCandle, contextForTick, decideOnBars, decideOnHistory, type Decision } from './live.js';
export { priceToDecimal, ticksToDecimal, toTicks } from './indicators.js';
