// `bybit:SYMBOL:INTERVAL[:linear|spot]` parsed into a store key; a bad spec says what is accepted.
import { CandleDataError } from '../backtest/candles.js';
import { KLINE_INTERVALS } from '../exchange/port.js';
import type { SeriesKey } from './series-store.js';

export const BYBIT_SPEC_FORM = 'bybit:SYMBOL:INTERVAL[:linear|spot], e.g. bybit:BTCUSDT:60';

/** `spec` is what follows "bybit:". */
export function parseBybitSpec(spec: string): SeriesKey {
  const [symbol, interval, cat = 'linear', ...rest] = spec.split(':');
  if (!symbol || !interval || rest.length || !/^[A-Z0-9]{2,20}$/.test(symbol)) {
    throw new CandleDataError(`bybit:${spec}: expected ${BYBIT_SPEC_FORM}`);
  }
  if (!(KLINE_INTERVALS as readonly string[]).includes(interval)) {
    throw new CandleDataError(
      `bybit:${spec}: interval "${interval}" is not one of ${KLINE_INTERVALS.join(' ')}`,
    );
  }
  if (cat !== 'linear' && cat !== 'spot')
    throw new CandleDataError(`bybit:${spec}: category must be linear or spot`);
  return { source: 'bybit', category: cat, symbol, interval };
}
