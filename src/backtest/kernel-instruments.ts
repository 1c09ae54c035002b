// Instruments and fees a kernel backtest trades on: Bybit's mainnet filters and non-VIP fees for the
// symbols the simulator lists (https://bybit-exchange.github.io/docs/v5/market/instrument), and for any
// other symbol filters derived from the data (its price decimals) with the category's Bybit fees.
import { dec, type Decimal } from '../domain/decimal.js';
import type { Category, Instrument } from '../domain/instrument.js';

/** Bybit's non-VIP schedule: linear 0.055 % taker / 0.02 % maker; spot 0.1 % both. */
export const BYBIT_FEES: Readonly<Record<Category, { taker: string; maker: string }>> = {
  linear: { taker: '0.00055', maker: '0.0002' },
  spot: { taker: '0.001', maker: '0.001' },
};

// tick, qty step, min qty, max qty, max market qty, min notional.
const KNOWN: Readonly<Record<string, readonly [string, string, string, string, string, string]>> = {
  'linear:BTCUSDT': ['0.1', '0.001', '0.001', '1190', '119', '5'],
  'linear:ETHUSDT': ['0.01', '0.01', '0.01', '7240', '724', '5'],
  'spot:BTCUSDT': ['0.01', '0.000001', '0.000048', '71.73956243', '71.73956243', '1'],
  'spot:ETHUSDT': ['0.01', '0.00001', '0.00062', '1229.2336343', '1229.2336343', '1'],
};

export interface InstrumentOverrides {
  /** --qty-step: sizes are multiples of it. */
  readonly qtyStep?: Decimal;
  /** --min-notional. */
  readonly minNotional?: Decimal;
}

/** Default quantity step for a symbol Bybit's table here does not list (Bybit spot BTCUSDT's precision). */
export const GENERIC_QTY_STEP = '0.000001';

export function backtestInstrument(
  category: Category,
  symbol: string,
  /** Decimals of the data's prices: an unlisted symbol's tick. */
  priceDecimals: number,
  over: InstrumentOverrides = {},
): { instrument: Instrument; listed: boolean } {
  const k = KNOWN[`${category}:${symbol}`];
  const base = symbol.endsWith('USDT') && symbol.length > 4 ? symbol.slice(0, -4) : symbol;
  const dataTick = dec(`1e-${Math.max(0, priceDecimals)}`);
  const listedDecimals = k ? (k[0].split('.')[1]?.length ?? 0) : -1;
  const step = over.qtyStep ?? dec(k ? k[1] : GENERIC_QTY_STEP);
  const instrument: Instrument = {
    symbol,
    category,
    baseCoin: base,
    quoteCoin: 'USDT',
    // The data's own prices must sit on the tick, or fills would be moved off the candles.
    tickSize: k && priceDecimals <= listedDecimals ? dec(k[0]) : dataTick,
    qtyStep: step,
    minOrderQty: over.qtyStep ? step : dec(k ? k[2] : GENERIC_QTY_STEP),
    maxOrderQty: dec(k ? k[3] : '1000000000'),
    maxMarketOrderQty: dec(k ? k[4] : '1000000000'),
    minNotional: over.minNotional ?? dec(k ? k[5] : '0'),
    maxLeverage: dec(category === 'linear' ? '100' : '1'),
  };
  return { instrument, listed: k !== undefined };
}
