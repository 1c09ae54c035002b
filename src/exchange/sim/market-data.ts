// Public market data derived from the price path: tickers, a synthetic order book around the bid/ask,
// and kline rows. Shared by the REST routes and the public WebSocket.
import { type Decimal, ZERO, dec, maxDec, minDec } from '../../domain/decimal.js';
import type { Candle, Interval } from './candles.js';
import type { Engine } from './engine.js';
import type { SimInstrument } from './instruments.js';
import type { Market } from './market.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FUNDING_MS = 8 * HOUR;

export type Level = [string, string];

function statsInterval(baseMs: number): Interval {
  if (baseMs <= HOUR) return '60';
  if (baseMs <= DAY) return 'D';
  return 'M';
}

interface DayStats {
  prev24h: Decimal;
  prev1h: Decimal;
  high: Decimal;
  low: Decimal;
  volume: Decimal;
  turnover: Decimal;
}

function dayStats(m: Market, symbol: string): DayStats {
  const last = m.last(symbol);
  const series = m.series(symbol);
  const t = m.time();
  const bars = series ? series.query(statsInterval(series.baseMs), t - DAY, t, 30) : [];
  let high = last;
  let low = last;
  let volume = ZERO;
  let turnover = ZERO;
  for (const b of bars) {
    high = maxDec(high, b.high);
    low = minDec(low, b.low);
    volume = volume.add(b.volume);
    turnover = turnover.add(b.volume.mul(b.close));
  }
  const oldest = bars[bars.length - 1];
  const newest = bars[0];
  return {
    prev24h: oldest ? oldest.open : last,
    prev1h: newest ? newest.open : last,
    high,
    low,
    volume,
    turnover,
  };
}

function pct(now: Decimal, before: Decimal): string {
  return before.isZero() ? '0' : now.sub(before).div(before).toDecimalPlaces(6).toFixed();
}

export function ticker(
  e: Engine,
  m: Market,
  inst: SimInstrument,
  fundingRate: Decimal,
): Record<string, string> {
  const last = m.last(inst.symbol);
  const { bid, ask } = e.bidAsk(inst);
  const s = dayStats(m, inst.symbol);
  const live = e.deps.liveBooks?.top(inst.category, inst.symbol);
  const scale = depthScaleOf(e);
  const sizeBid = live ? live.bid.wireSize : levelSize(inst, bid, scale).toFixed();
  const sizeAsk = live ? live.ask.wireSize : levelSize(inst, ask, scale).toFixed();
  const common = {
    symbol: inst.symbol,
    lastPrice: last.toFixed(),
    prevPrice24h: s.prev24h.toFixed(),
    price24hPcnt: pct(last, s.prev24h),
    highPrice24h: s.high.toFixed(),
    lowPrice24h: s.low.toFixed(),
    turnover24h: s.turnover.toDecimalPlaces(4).toFixed(),
    volume24h: s.volume.toFixed(),
    bid1Price: live ? live.bid.wirePrice : bid.toFixed(),
    bid1Size: sizeBid,
    ask1Price: live ? live.ask.wirePrice : ask.toFixed(),
    ask1Size: sizeAsk,
  };
  if (inst.category === 'spot') return { ...common, usdIndexPrice: last.toFixed() };
  const nextFunding = (Math.floor(m.time() / FUNDING_MS) + 1) * FUNDING_MS;
  return {
    ...common,
    indexPrice: last.toFixed(),
    markPrice: last.toFixed(),
    prevPrice1h: s.prev1h.toFixed(),
    openInterest: '0',
    openInterestValue: '0',
    fundingRate: (e.deps.fundingRateOf?.(inst.symbol) ?? fundingRate).toFixed(),
    nextFundingTime: String(nextFunding),
    fundingIntervalHour: '8',
    fundingCap: '0.005',
    predictedDeliveryPrice: '',
    basisRate: '',
    basis: '',
    deliveryFeeRate: '',
    deliveryTime: '0',
    tickDirection: 'ZeroPlusTick',
  };
}

export function depthScaleOf(e: Engine): Decimal {
  return dec(e.deps.behaviour.settings.depthScale);
}

/**
 * A size that depends only on the level's price, so a small price move changes only a few levels. `scale`
 * thins or thickens the book (never below one quantity step). Takers eat these same sizes (book-take.ts).
 */
export function levelSize(inst: SimInstrument, price: Decimal, scale: Decimal): Decimal {
  const key = price.div(inst.tickSize).toFixed(0);
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  const lots = 1 + ((h >>> 0) % 997);
  const size = inst.minOrderQty.mul(lots).mul(scale).div(inst.qtyStep).floor().mul(inst.qtyStep);
  return maxDec(size, inst.qtyStep);
}

export function bookLevels(e: Engine, inst: SimInstrument, depth: number): { b: Level[]; a: Level[] } {
  const live = e.deps.liveBooks;
  if (live?.top(inst.category, inst.symbol)) {
    const rows = (which: 'bids' | 'asks'): Level[] =>
      live
        .levels(inst.category, inst.symbol, which)
        .slice(0, depth)
        .map((l) => [l.wirePrice, l.wireSize]);
    return { b: rows('bids'), a: rows('asks') };
  }
  const { bid, ask } = e.bidAsk(inst);
  const t = inst.tickSize;
  const scale = depthScaleOf(e);
  const b: Level[] = [];
  const a: Level[] = [];
  for (let k = 0; k < depth; k++) {
    const pb = bid.sub(t.mul(k));
    if (pb.gt(ZERO)) b.push([pb.toFixed(), levelSize(inst, pb, scale).toFixed()]);
    const pa = ask.add(t.mul(k));
    a.push([pa.toFixed(), levelSize(inst, pa, scale).toFixed()]);
  }
  return { b, a };
}

export function klineRow(c: Candle): string[] {
  return [
    String(c.start),
    c.open.toFixed(),
    c.high.toFixed(),
    c.low.toFixed(),
    c.close.toFixed(),
    c.volume.toFixed(),
    c.volume.mul(c.close).toDecimalPlaces(8).toFixed(),
  ];
}

export function klineWs(c: Candle, interval: Interval, end: number, confirm: boolean, now: number) {
  return {
    start: c.start,
    end,
    interval,
    open: c.open.toFixed(),
    close: c.close.toFixed(),
    high: c.high.toFixed(),
    low: c.low.toFixed(),
    volume: c.volume.toFixed(),
    turnover: c.volume.mul(c.close).toDecimalPlaces(8).toFixed(),
    confirm,
    timestamp: now,
  };
}
