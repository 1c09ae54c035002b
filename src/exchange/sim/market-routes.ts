// Public REST: /v5/market/{time,instruments-info,kline,tickers,orderbook}.
// https://bybit-exchange.github.io/docs/v5/market/kline (klines newest first, the forming bar included)
import type { Decimal } from '../../domain/decimal.js';
import { isInterval } from './candles.js';
import type { Engine } from './engine.js';
import { RET, fail } from './errors.js';
import { INSTRUMENTS, renderInstrument } from './instruments.js';
import { bookLevels, klineRow, ticker } from './market-data.js';
import type { Market } from './market.js';
import { type Params, category, instrument } from './params.js';

export interface MarketRouteDeps {
  engine: Engine;
  market: Market;
  serverNow: () => number;
  /**
   * Time stamped on market data: the later of the server clock and the market's, so a replay run ahead of
   * the clock (faster than real time) carries its own times, as the venue's data would.
   */
  dataNow: () => number;
  fundingRate: Decimal;
  launchTime: number;
}

export function serverTime(d: MarketRouteDeps) {
  const now = d.serverNow();
  return { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` };
}

export function instrumentsInfo(d: MarketRouteDeps, p: Params) {
  // Inverse and option exist on Bybit; the simulator lists none (clients such as ccxt ask on load).
  const asked = p.opt('category');
  if (asked === 'inverse' || asked === 'option') return { category: asked, list: [], nextPageCursor: '' };
  const cat = category(p);
  const symbol = p.opt('symbol');
  const status = p.opt('status');
  const baseCoin = p.opt('baseCoin');
  const list = INSTRUMENTS.filter(
    (i) =>
      i.category === cat &&
      (!symbol || i.symbol === symbol) &&
      (!baseCoin || i.baseCoin === baseCoin) &&
      (!status || status === 'Trading'),
  ).map((i) => renderInstrument(i, d.launchTime, d.engine.deps.behaviour.settings.priceLimitRatio));
  return { category: cat, list, nextPageCursor: '' };
}

export function kline(d: MarketRouteDeps, p: Params) {
  const cat = p.opt('category') === undefined ? 'linear' : category(p);
  const inst = instrument(cat, p.opt('symbol'));
  const interval = p.req('interval');
  if (!isInterval(interval)) fail(RET.paramError, 'params error: interval invalid');
  const limit = p.int('limit', 200, 1, 1000);
  const series = d.market.series(inst.symbol);
  if (!series) fail(RET.paramError, 'params error: symbol invalid');
  if (!series.supports(interval)) {
    fail(
      RET.paramError,
      `params error: interval ${interval} is finer than the replayed data (${series.baseMs / 60_000} min bars)`,
    );
  }
  const rows = series.query(interval, p.time('start'), p.time('end'), limit);
  return { category: cat, symbol: inst.symbol, list: rows.map(klineRow) };
}

export function tickers(d: MarketRouteDeps, p: Params) {
  const cat = category(p);
  const symbol = p.opt('symbol');
  if (symbol) instrument(cat, symbol);
  const list = INSTRUMENTS.filter((i) => i.category === cat && (!symbol || i.symbol === symbol)).map((i) =>
    ticker(d.engine, d.market, i, d.fundingRate),
  );
  return { category: cat, list };
}

export function orderbook(d: MarketRouteDeps, p: Params) {
  const cat = category(p);
  const inst = instrument(cat, p.opt('symbol'));
  const limit = cat === 'spot' ? p.int('limit', 1, 1, 200) : p.int('limit', 25, 1, 500);
  const { b, a } = bookLevels(d.engine, inst, limit);
  const now = d.dataNow();
  return { s: inst.symbol, b, a, ts: now, u: Math.floor(now / 100), seq: Math.floor(now / 10), cts: now };
}

/** /v5/market/recent-trade: the tape, newest first (spot limit 1..60, default 60; others 1..1000, 500). */
export function recentTrades(d: MarketRouteDeps, p: Params) {
  const cat = category(p);
  const inst = instrument(cat, p.opt('symbol'));
  const limit = cat === 'spot' ? p.int('limit', 60, 1, 60) : p.int('limit', 500, 1, 1000);
  const list = d.market
    .trades(inst.symbol, undefined, limit)
    .reverse()
    .map((t) => ({
      execId: t.execId,
      symbol: inst.symbol,
      price: t.price.toFixed(),
      size: t.size.toFixed(),
      side: t.side,
      time: String(t.time),
      isBlockTrade: false,
    }));
  return { category: cat, list };
}
