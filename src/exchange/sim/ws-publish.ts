// What the simulator pushes over WebSocket: public tickers (linear snapshot then deltas, spot snapshots),
// order books (snapshot then deltas, size "0" deletes), klines, and private order/execution/position/wallet.
// https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
import type { Decimal } from '../../domain/decimal.js';
import { isInterval, type Interval } from './candles.js';
import type { Engine, PrivateBatch } from './engine.js';
import { findInstrument, type SimInstrument } from './instruments.js';
import { bookLevels, klineWs, type Level, ticker } from './market-data.js';
import type { Market } from './market.js';
import { renderExecution } from './orders.js';
import { candleEnd } from './series.js';

export const PUBLIC_DEPTHS = { linear: [1, 50, 200, 500, 1000], spot: [1, 50, 200, 1000] } as const;

export type PublicTopic =
  | { kind: 'tickers'; inst: SimInstrument }
  | { kind: 'orderbook'; inst: SimInstrument; depth: number }
  | { kind: 'kline'; inst: SimInstrument; interval: Interval }
  | { kind: 'trade'; inst: SimInstrument };

export function parsePublicTopic(category: 'linear' | 'spot', topic: string): PublicTopic | null {
  const parts = topic.split('.');
  const symbol = parts[parts.length - 1] ?? '';
  const inst = findInstrument(category, symbol);
  if (!inst) return null;
  if (parts.length === 2 && parts[0] === 'tickers') return { kind: 'tickers', inst };
  if (parts.length === 2 && parts[0] === 'publicTrade') return { kind: 'trade', inst };
  if (parts.length === 3 && parts[0] === 'orderbook') {
    const depth = Number(parts[1]);
    return (PUBLIC_DEPTHS[category] as readonly number[]).includes(depth)
      ? { kind: 'orderbook', inst, depth }
      : null;
  }
  if (parts.length === 3 && parts[0] === 'kline' && isInterval(parts[1] ?? '')) {
    return { kind: 'kline', inst, interval: parts[1] as Interval };
  }
  return null;
}

/** One public topic's shared state: every subscriber gets the same deltas against `last`. */
export class PublicStream {
  /** conn id → send */
  readonly subscribers = new Map<string, (text: string) => void>();
  private lastTicker: Record<string, string> | null = null;
  private lastBook: { b: Map<string, string>; a: Map<string, string> } | null = null;
  private u = 0;
  private seq = 0;
  private klineVersion = -1;
  private klineFrom: number | undefined;
  private tradeSeq: number | undefined;

  constructor(
    readonly topic: string,
    private readonly t: PublicTopic,
    private readonly d: { engine: Engine; market: Market; fundingRate: Decimal; serverNow: () => number },
  ) {}

  /** Frame(s) a new subscriber starts from. */
  snapshot(): string[] {
    const now = this.d.serverNow();
    if (this.t.kind === 'tickers') {
      this.lastTicker ??= this.currentTicker();
      return [
        JSON.stringify({ topic: this.topic, type: 'snapshot', data: this.lastTicker, cs: this.seq, ts: now }),
      ];
    }
    if (this.t.kind === 'orderbook') {
      if (!this.lastBook) this.lastBook = toMaps(bookLevels(this.d.engine, this.t.inst, this.t.depth));
      const data = {
        s: this.t.inst.symbol,
        b: [...this.lastBook.b],
        a: [...this.lastBook.a],
        u: this.u || 1,
        seq: this.seq,
      };
      return [JSON.stringify({ topic: this.topic, type: 'snapshot', ts: now, data, cts: now })];
    }
    if (this.t.kind === 'trade') {
      // No snapshot on subscribe: trades from now on.
      this.tradeSeq ??= this.d.market.trades(this.t.inst.symbol, undefined, 1)[0]?.seq ?? 0;
      return [];
    }
    if (this.t.kind !== 'kline') return [];
    const series = this.d.market.series(this.t.inst.symbol);
    const cur = series?.supports(this.t.interval)
      ? series.query(this.t.interval, undefined, undefined, 1)[0]
      : undefined;
    if (!cur) return [];
    // The first subscriber fixes where this stream's updates start: the bar it was shown.
    this.klineFrom ??= cur.start;
    const data = [klineWs(cur, this.t.interval, candleEnd(this.t.interval, cur), false, now)];
    return [JSON.stringify({ topic: this.topic, data, ts: now, type: 'snapshot' })];
  }

  /** Frames for everything that changed since the last publish (none if nothing did). */
  update(): string | null {
    const now = this.d.serverNow();
    if (this.t.kind === 'tickers') {
      const cur = this.currentTicker();
      const prev = this.lastTicker;
      this.lastTicker = cur;
      if (this.t.inst.category === 'spot' || !prev) {
        if (prev && sameRecord(prev, cur)) return null;
        return JSON.stringify({ topic: this.topic, type: 'snapshot', data: cur, cs: ++this.seq, ts: now });
      }
      const delta: Record<string, string> = { symbol: cur['symbol'] ?? '' };
      let changed = false;
      for (const [k, v] of Object.entries(cur)) {
        if (prev[k] !== v) {
          delta[k] = v;
          changed = true;
        }
      }
      return changed
        ? JSON.stringify({ topic: this.topic, type: 'delta', data: delta, cs: ++this.seq, ts: now })
        : null;
    }
    if (this.t.kind === 'orderbook') {
      const cur = toMaps(bookLevels(this.d.engine, this.t.inst, this.t.depth));
      const prev = this.lastBook;
      this.lastBook = cur;
      if (!prev) return null;
      const b = diff(prev.b, cur.b);
      const a = diff(prev.a, cur.a);
      if (b.length === 0 && a.length === 0) return null;
      const data = { s: this.t.inst.symbol, b, a, u: ++this.u, seq: ++this.seq };
      return JSON.stringify({ topic: this.topic, type: 'delta', ts: now, data, cts: now });
    }
    if (this.t.kind === 'trade') return this.tradeFrame(now);
    return this.klineBars();
  }

  /** publicTrade: every trade since the last frame, oldest first, as one snapshot frame. */
  private tradeFrame(now: number): string | null {
    if (this.t.kind !== 'trade') return null;
    const inst = this.t.inst;
    const trades = this.d.market.trades(inst.symbol, this.tradeSeq ?? 0);
    const newest = trades[trades.length - 1];
    if (!newest) return null;
    this.tradeSeq = newest.seq;
    const linear = inst.category === 'linear';
    const data = trades.slice(-100).map((t) => ({
      T: t.time,
      s: inst.symbol,
      S: t.side,
      v: t.size.toFixed(),
      p: t.price.toFixed(),
      ...(linear ? { L: t.tick } : {}),
      i: t.execId,
      BT: false,
    }));
    return JSON.stringify({ topic: this.topic, type: 'snapshot', ts: now, data });
  }

  private currentTicker(): Record<string, string> {
    return ticker(this.d.engine, this.d.market, this.t.inst, this.d.fundingRate);
  }

  /** Bars since the last one sent: finished ones with confirm=true, then the forming one. */
  private klineBars(): string | null {
    if (this.t.kind !== 'kline') return null;
    const series = this.d.market.series(this.t.inst.symbol);
    if (!series || series.version === this.klineVersion || !series.supports(this.t.interval)) return null;
    this.klineVersion = series.version;
    const bars = series.query(this.t.interval, this.klineFrom, undefined, 50).reverse();
    const newest = bars[bars.length - 1];
    if (!newest) return null;
    this.klineFrom = newest.start;
    const now = this.d.serverNow();
    const interval = this.t.interval;
    const data = bars.map((c) => klineWs(c, interval, candleEnd(interval, c), c !== newest, now));
    return JSON.stringify({ topic: this.topic, data, ts: now, type: 'snapshot' });
  }
}

function toMaps(l: { b: Level[]; a: Level[] }) {
  return { b: new Map(l.b), a: new Map(l.a) };
}

function diff(prev: Map<string, string>, cur: Map<string, string>): Level[] {
  const out: Level[] = [];
  for (const [p] of prev) if (!cur.has(p)) out.push([p, '0']);
  for (const [p, q] of cur) if (prev.get(p) !== q) out.push([p, q]);
  return out;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  for (const k of Object.keys(b)) if (a[k] !== b[k]) return false;
  return true;
}

export const PRIVATE_TOPICS = new Set([
  'order',
  'order.linear',
  'order.spot',
  'execution',
  'execution.linear',
  'execution.spot',
  'execution.fast',
  'execution.fast.linear',
  'execution.fast.spot',
  'position',
  'position.linear',
  'wallet',
]);

/** Data for one private topic out of a batch, or null when the batch has nothing for it. */
export function privateData(e: Engine, batch: PrivateBatch, topic: string): unknown[] | null {
  const [name, ...rest] = topic.split('.');
  const fast = rest[0] === 'fast';
  const cat = fast ? rest[1] : rest[0];
  const a = e.account(batch.account);
  if (name === 'order') {
    const rows = batch.orders
      .filter((o) => !cat || o.inst.category === cat)
      .map((o) => e.renderOrder(o, true));
    return rows.length ? rows : null;
  }
  if (name === 'execution') {
    const rows = batch.executions
      .filter((x) => !cat || x.category === cat)
      .filter((x) => !fast || x.wire['execType'] === 'Trade')
      .map((x) => (fast ? fastExec(x.category, x.wire) : renderExecution(x, true)));
    return rows.length ? rows : null;
  }
  if (name === 'position') {
    const rows = batch.positions
      .map((s) => a.positions.get(s))
      .filter((p) => p !== undefined)
      .map((p) => e.renderPosition(a, p, true));
    return rows.length ? rows : null;
  }
  if (name === 'wallet') return batch.wallet ? [e.renderWallet(a)] : null;
  return null;
}

function fastExec(category: string, w: Readonly<Record<string, string | number | boolean>>) {
  const keys = [
    'symbol',
    'execId',
    'execPrice',
    'execQty',
    'orderId',
    'isMaker',
    'orderLinkId',
    'side',
    'execTime',
    'seq',
  ];
  const out: Record<string, unknown> = { category };
  for (const k of keys) out[k] = w[k];
  return out;
}
