// Public market endpoints: server time, instruments (cached), klines (paged, newest-first → oldest-first), tickers.
// https://bybit-exchange.github.io/docs/v5/market/kline
import type { Category, Instrument } from '../../domain/instrument.js';
import type { Candle, KlineQuery, Ticker } from '../port.js';
import { PAGE_LIMITS } from './constants.js';
import { type BybitContext, collectPages, listOf, notListed } from './context.js';
import { PermanentError } from './errors.js';
import { parseWire, toCandle, toInstrument, toTicker } from './map.js';
import { ServerTimeWire } from './wire.js';

/** Venue time in ms, and the offset to add to the local clock. */
export async function fetchServerTime(ctx: Pick<BybitContext, 'client' | 'rest' | 'timing'>): Promise<{
  serverMs: number;
  offsetMs: number;
}> {
  const t0 = Date.now();
  let top: number | undefined;
  const result = await ctx.rest.call(
    'market/time',
    null,
    async () => {
      const r = await ctx.client.getServerTime();
      top = typeof r.time === 'number' ? r.time : undefined;
      return r;
    },
    { idempotent: true },
  );
  const t1 = Date.now();
  const w = parseWire(ServerTimeWire, result, 'market/time');
  const serverMs =
    top ??
    (w.timeNano ? Number(BigInt(w.timeNano) / 1_000_000n) : w.timeSecond ? Number(w.timeSecond) * 1000 : NaN);
  if (!Number.isFinite(serverMs))
    throw new PermanentError({ code: null, endpoint: 'market/time', detail: 'no time' });
  // The SDK signs with Date.now(), so the offset is against the process clock, not an injected one.
  return { serverMs, offsetMs: Math.round(serverMs - (t0 + t1) / 2) };
}

export async function fetchInstruments(
  ctx: BybitContext,
  category: Category,
  symbol?: string,
): Promise<Instrument[]> {
  const rows = await collectPages('market/instruments-info', Number.POSITIVE_INFINITY, (cursor) =>
    ctx.rest.call(
      'market/instruments-info',
      null,
      () =>
        ctx.client.getInstrumentsInfo({
          category,
          ...(symbol ? { symbol } : {}),
          limit: PAGE_LIMITS.instruments,
          ...(cursor ? { cursor } : {}),
        }),
      { idempotent: true },
    ),
  );
  return rows.map((r) => toInstrument(category, r));
}

export class InstrumentCache {
  private readonly byKey = new Map<string, Instrument>();

  constructor(private readonly load: (category: Category, symbol?: string) => Promise<Instrument[]>) {}

  async list(category: Category, symbol?: string): Promise<Instrument[]> {
    const list = await this.load(category, symbol);
    for (const i of list) this.byKey.set(`${i.category}:${i.symbol}`, i);
    return list;
  }

  async get(category: Category, symbol: string): Promise<Instrument> {
    const hit = this.byKey.get(`${category}:${symbol}`);
    if (hit) return hit;
    const found = (await this.list(category, symbol)).find((i) => i.symbol === symbol);
    if (!found) throw notListed(category, symbol);
    return found;
  }
}

export async function fetchKlines(ctx: BybitContext, q: KlineQuery): Promise<Candle[]> {
  const want = q.limit ?? (q.start === undefined ? 200 : Number.POSITIVE_INFINITY);
  const byStart = new Map<number, Candle>();
  let end = q.end;
  let prevOldest = Number.POSITIVE_INFINITY;
  // The venue pages newest first: walk backwards from `end` until `start` (or `want` bars) is covered.
  for (;;) {
    const pageLimit = Math.min(PAGE_LIMITS.kline, Math.max(1, want - byStart.size));
    const result = await ctx.rest.call(
      'market/kline',
      null,
      () =>
        ctx.client.getKline({
          category: q.category,
          symbol: q.symbol,
          interval: q.interval,
          ...(q.start !== undefined ? { start: q.start } : {}),
          ...(end !== undefined ? { end } : {}),
          limit: pageLimit,
        }),
      { idempotent: true },
    );
    const page = listOf(result, 'market/kline').map(toCandle);
    for (const c of page) byStart.set(c.start, c);
    if (page.length < pageLimit || byStart.size >= want) break;
    const oldest = Math.min(...page.map((c) => c.start));
    if (oldest >= prevOldest || (q.start !== undefined && oldest <= q.start)) break;
    prevOldest = oldest;
    end = oldest - 1;
  }
  let out = [...byStart.values()]
    .filter((c) => (q.start === undefined || c.start >= q.start) && (q.end === undefined || c.start <= q.end))
    .sort((a, b) => a.start - b.start);
  if (Number.isFinite(want) && out.length > want) out = out.slice(out.length - want);
  return out;
}

export async function fetchTickers(
  ctx: BybitContext,
  category: Category,
  symbol?: string,
): Promise<Ticker[]> {
  let time = ctx.timing.now();
  const result = await ctx.rest.call(
    'market/tickers',
    null,
    async () => {
      const p = symbol ? { symbol } : {};
      const r =
        category === 'spot'
          ? await ctx.client.getTickers({ category: 'spot', ...p })
          : await ctx.client.getTickers({ category: 'linear', ...p });
      if (typeof r.time === 'number') time = r.time;
      return r;
    },
    { idempotent: true },
  );
  return listOf(result, 'market/tickers').map((t) => toTicker(category, t, time));
}
