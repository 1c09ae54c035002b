// The simulator's instrument list: BTCUSDT and ETHUSDT, spot and linear, with Bybit mainnet filters.
// Shapes follow https://bybit-exchange.github.io/docs/v5/market/instrument (linear qtyStep/minNotionalValue; spot
// basePrecision/minOrderAmt, where spot minOrderQty is listed but no longer checked).
import { dec, type Decimal } from '../../domain/decimal.js';
import type { Category, Instrument } from '../../domain/instrument.js';

export interface SimInstrument extends Instrument {
  readonly priceScale: number;
  readonly minPrice: Decimal;
  readonly maxPrice: Decimal;
  /** spot: quote-coin precision for market buys sized in quote. */
  readonly quotePrecision: Decimal;
  readonly maxNotional: Decimal;
  readonly takerFeeRate: Decimal;
  readonly makerFeeRate: Decimal;
  /** Price the random walk starts from when no data is replayed. */
  readonly startPrice: Decimal;
  /** Filter values exactly as Bybit prints them ("0.10", not "0.1"). */
  readonly wire: Readonly<Spec>;
}

export interface Spec {
  symbol: string;
  category: Category;
  base: string;
  tick: string;
  step: string;
  minQty: string;
  maxQty: string;
  maxMktQty: string;
  minNotional: string;
  maxNotional: string;
  minPrice: string;
  maxPrice: string;
  quotePrecision: string;
  start: string;
}

const SPECS: Spec[] = [
  // linear values: mainnet instruments-info (BTCUSDT tick 0.10 / step 0.001 / min 0.001 / minNotional 5).
  {
    symbol: 'BTCUSDT',
    category: 'linear',
    base: 'BTC',
    tick: '0.10',
    step: '0.001',
    minQty: '0.001',
    maxQty: '1190.000',
    maxMktQty: '119.000',
    minNotional: '5',
    maxNotional: '0',
    minPrice: '0.10',
    maxPrice: '1999999.80',
    quotePrecision: '0.01',
    start: '65000',
  },
  {
    symbol: 'ETHUSDT',
    category: 'linear',
    base: 'ETH',
    tick: '0.01',
    step: '0.01',
    minQty: '0.01',
    maxQty: '7240.00',
    maxMktQty: '724.00',
    minNotional: '5',
    maxNotional: '0',
    minPrice: '0.01',
    maxPrice: '199999.98',
    quotePrecision: '0.01',
    start: '3500',
  },
  {
    symbol: 'BTCUSDT',
    category: 'spot',
    base: 'BTC',
    tick: '0.01',
    step: '0.000001',
    minQty: '0.000048',
    maxQty: '71.73956243',
    maxMktQty: '71.73956243',
    minNotional: '1',
    maxNotional: '2000000',
    minPrice: '0.01',
    maxPrice: '9999999',
    quotePrecision: '0.00000001',
    start: '65000',
  },
  {
    symbol: 'ETHUSDT',
    category: 'spot',
    base: 'ETH',
    tick: '0.01',
    step: '0.00001',
    minQty: '0.00062',
    maxQty: '1229.2336343',
    maxMktQty: '1229.2336343',
    minNotional: '1',
    maxNotional: '2000000',
    minPrice: '0.01',
    maxPrice: '999999',
    quotePrecision: '0.0000001',
    start: '3500',
  },
];

// Bybit's instruments-info riskParameters (the price-limit band; see docs v5/account/set-price-limit).
const PRICE_LIMIT = { x: '0.01', y: '0.02' } as const;

// linear 0.055% taker / 0.02% maker; spot 0.1% both (Bybit's non-VIP schedule).
const FEES = {
  linear: { taker: '0.00055', maker: '0.0002' },
  spot: { taker: '0.001', maker: '0.001' },
} as const;

function build(s: Spec): SimInstrument {
  const tick = dec(s.tick);
  return {
    symbol: s.symbol,
    category: s.category,
    baseCoin: s.base,
    quoteCoin: 'USDT',
    tickSize: tick,
    qtyStep: dec(s.step),
    minOrderQty: dec(s.minQty),
    maxOrderQty: dec(s.maxQty),
    maxMarketOrderQty: dec(s.maxMktQty),
    minNotional: dec(s.minNotional),
    maxLeverage: dec(s.category === 'linear' ? '100' : '1'),
    priceScale: s.tick.split('.')[1]?.length ?? 0,
    minPrice: dec(s.minPrice),
    maxPrice: dec(s.maxPrice),
    quotePrecision: dec(s.quotePrecision),
    maxNotional: dec(s.maxNotional),
    takerFeeRate: dec(FEES[s.category].taker),
    makerFeeRate: dec(FEES[s.category].maker),
    startPrice: dec(s.start),
    wire: s,
  };
}

export const INSTRUMENTS: readonly SimInstrument[] = SPECS.map(build);

const BY_KEY = new Map(INSTRUMENTS.map((i) => [`${i.category}:${i.symbol}`, i]));

export function findInstrument(category: string, symbol: string): SimInstrument | undefined {
  return BY_KEY.get(`${category}:${symbol}`);
}

export const SYMBOLS: readonly string[] = [...new Set(INSTRUMENTS.map((i) => i.symbol))];

export function startPriceOf(symbol: string): Decimal {
  const inst = INSTRUMENTS.find((i) => i.symbol === symbol);
  return inst ? inst.startPrice : dec('100');
}

/** Tick the shared price path is rounded to: the coarsest tick any category of that symbol uses. */
export function pathTickOf(symbol: string): Decimal {
  let tick = dec('0.01');
  for (const i of INSTRUMENTS) if (i.symbol === symbol && i.tickSize.gt(tick)) tick = i.tickSize;
  return tick;
}

export function renderInstrument(
  i: SimInstrument,
  launchTime: number,
  priceLimitX: string = PRICE_LIMIT.x,
): Record<string, unknown> {
  const riskParameters = { priceLimitRatioX: priceLimitX, priceLimitRatioY: PRICE_LIMIT.y };
  const common = { symbol: i.symbol, baseCoin: i.baseCoin, quoteCoin: i.quoteCoin, status: 'Trading' };
  if (i.category === 'spot') {
    return {
      ...common,
      innovation: '0',
      marginTrading: 'utaOnly',
      stTag: '0',
      lotSizeFilter: {
        basePrecision: i.wire.step,
        quotePrecision: i.wire.quotePrecision,
        minOrderQty: i.wire.minQty,
        maxOrderQty: i.wire.maxQty,
        minOrderAmt: i.wire.minNotional,
        maxOrderAmt: i.wire.maxNotional,
      },
      priceFilter: { tickSize: i.wire.tick },
      riskParameters,
    };
  }
  return {
    ...common,
    contractType: 'LinearPerpetual',
    launchTime: String(launchTime),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(i.priceScale),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: i.wire.minPrice, maxPrice: i.wire.maxPrice, tickSize: i.wire.tick },
    lotSizeFilter: {
      maxOrderQty: i.wire.maxQty,
      minOrderQty: i.wire.minQty,
      qtyStep: i.wire.step,
      postOnlyMaxOrderQty: i.wire.maxQty,
      maxMktOrderQty: i.wire.maxMktQty,
      minNotionalValue: i.wire.minNotional,
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: 'USDT',
    copyTrading: 'both',
    upperFundingRate: '0.005',
    lowerFundingRate: '-0.005',
    isPreListing: false,
    preListingInfo: null,
    riskParameters,
  };
}
