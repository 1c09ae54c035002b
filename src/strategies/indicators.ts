// The exact indicators now live in the public SDK (src/sdk/exact.ts); re-exported for older callers.
export {
  compareMeans,
  Ema,
  priceToDecimal,
  RollingExtreme,
  RollingTickSum,
  ticksToDecimal,
  toTicks,
  WilderRsi,
} from '../sdk/exact.js';
