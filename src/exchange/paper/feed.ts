// Paper trading's market: Bybit's PUBLIC data, no key. 1-minute klines over REST for history, then the
// public WebSocket: linear `publicTrade` (the price path), `orderbook.50` for linear and spot (the depth
// takers walk) and linear `tickers` (the funding rate paper positions pay or earn).
// https://bybit-exchange.github.io/docs/v5/websocket/public/trade
import { WebSocket } from 'ws';
import { z } from 'zod';
import { dec } from '../../domain/decimal.js';
import type { Category } from '../../domain/instrument.js';
import type { Candle } from '../sim/candles.js';
import type { FedTrade, FeedSink, MarketFeed } from '../sim/feed.js';

export interface PaperFeedOptions {
  /** The venue's REST base, e.g. https://api.bybit.com (no trailing slash). */
  restUrl: string;
  /** The venue's WebSocket base, e.g. wss://stream.bybit.com (/v5/public/linear etc. appended). */
  wsUrl: string;
  symbols: readonly string[];
  /** 1-minute bars fetched as history (Bybit's limit is 1000; default 200). */
  historyBars?: number;
  /** How long start() waits for history and the subscriptions (default 20 s). */
  readyTimeoutMs?: number;
  log: (line: string) => void;
}

const DEPTH = 50;
/** Bybit drops a public connection that sends nothing for 10 minutes; it recommends a ping every 20 s. */
const PING_MS = 20_000;
const MAX_BACKOFF_MS = 30_000;

const Level = z.tuple([z.string(), z.string()]);
const TradeFrame = z.object({
  topic: z.string(),
  data: z.array(z.object({ T: z.number(), s: z.string(), v: z.string(), p: z.string() })),
});
const BookFrame = z.object({
  topic: z.string(),
  type: z.enum(['snapshot', 'delta']),
  ts: z.number(),
  data: z.object({ s: z.string(), b: z.array(Level), a: z.array(Level), u: z.number() }),
});
const TickerFrame = z.object({
  topic: z.string(),
  data: z.object({ symbol: z.string(), fundingRate: z.string().optional() }),
});
const Ack = z.object({ op: z.literal('subscribe'), success: z.boolean(), ret_msg: z.string().optional() });
const KlineReply = z.object({
  retCode: z.number(),
  retMsg: z.string(),
  result: z.object({ list: z.array(z.array(z.string()).min(6)) }).optional(),
});

interface Stream {
  category: Category;
  topics: string[];
  ws: WebSocket | null;
  ping: NodeJS.Timeout | null;
  retry: NodeJS.Timeout | null;
  backoffMs: number;
  acked: boolean;
}

export class PaperFeed implements MarketFeed {
  private readonly streams: Stream[];
  private closed = false;
  private sink: FeedSink | null = null;
  private onAck: (() => void) | null = null;
  private onRefused: ((why: string) => void) | null = null;

  constructor(private readonly o: PaperFeedOptions) {
    const topics = (names: string[]) => o.symbols.flatMap((s) => names.map((n) => `${n}.${s}`));
    this.streams = [
      { category: 'linear', topics: topics(['publicTrade', `orderbook.${DEPTH}`, 'tickers']), ...idle() },
      { category: 'spot', topics: topics([`orderbook.${DEPTH}`]), ...idle() },
    ];
  }

  describe(): string {
    return `paper: live public market data from ${this.o.restUrl} and ${this.o.wsUrl} (no API key)`;
  }

  async start(sink: FeedSink): Promise<void> {
    this.sink = sink;
    const timeoutMs = this.o.readyTimeoutMs ?? 20_000;
    for (const symbol of this.o.symbols) sink.history(symbol, await this.history(symbol, timeoutMs));
    const linear = this.streams[0] as Stream;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `paper: no subscription answer from ${this.o.wsUrl}/v5/public/linear within ${timeoutMs / 1000} s; check BYBIT_WS_URL and the network`,
            ),
          ),
        timeoutMs,
      );
      this.onAck = () => {
        clearTimeout(timer);
        resolve();
      };
      this.onRefused = (why) => {
        clearTimeout(timer);
        reject(new Error(`paper: ${this.o.wsUrl} refused the public subscriptions: ${why}`));
      };
    });
    for (const s of this.streams) this.connect(s);
    await ready;
    this.onRefused = null;
    if (!linear.acked) throw new Error('paper: the linear stream was not acknowledged');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.streams) {
      if (s.ping) clearInterval(s.ping);
      if (s.retry) clearTimeout(s.retry);
      s.ws?.terminate();
      s.ws = null;
    }
  }

  /** The newest `historyBars` closed and forming 1-minute bars, oldest first. */
  private async history(symbol: string, timeoutMs: number): Promise<Candle[]> {
    const limit = this.o.historyBars ?? 200;
    const url = `${this.o.restUrl}/v5/market/kline?category=linear&symbol=${symbol}&interval=1&limit=${limit}`;
    let body: unknown;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json();
    } catch (e) {
      throw new Error(
        `paper: could not read ${symbol} klines from ${this.o.restUrl} (${e instanceof Error ? e.message : String(e)}); check BYBIT_REST_URL and the network`,
        { cause: e },
      );
    }
    const r = KlineReply.safeParse(body);
    if (!r.success || r.data.retCode !== 0 || !r.data.result) {
      const why = r.success ? `retCode ${r.data.retCode} ${r.data.retMsg}` : 'not a Bybit kline reply';
      throw new Error(`paper: ${this.o.restUrl} answered the ${symbol} kline request with ${why}`);
    }
    // Bybit lists newest first: [start, open, high, low, close, volume, turnover].
    return r.data.result.list
      .map((row) => ({
        start: Number(row[0]),
        open: dec(row[1] as string),
        high: dec(row[2] as string),
        low: dec(row[3] as string),
        close: dec(row[4] as string),
        volume: dec(row[5] as string),
      }))
      .reverse();
  }

  private connect(s: Stream): void {
    if (this.closed) return;
    const url = `${this.o.wsUrl}/v5/public/${s.category}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    s.ws = ws;
    ws.on('open', () => {
      s.backoffMs = 1000;
      // Spot takes at most 10 topics per subscribe request.
      for (let i = 0; i < s.topics.length; i += 10) {
        const args = s.topics.slice(i, i + 10);
        ws.send(JSON.stringify({ op: 'subscribe', req_id: args.join(','), args }));
      }
      s.ping = setInterval(() => ws.send('{"op":"ping"}'), PING_MS);
      s.ping.unref();
    });
    ws.on('message', (data) => this.onMessage(s, String(data)));
    ws.on('error', (e) => this.o.log(`paper: ${url}: ${e.message}`));
    ws.on('close', () => {
      if (s.ping) clearInterval(s.ping);
      s.ping = null;
      if (this.closed || s.ws !== ws) return;
      // No replay on Bybit's public streams: what was missed is gone, and the books wait for a snapshot.
      this.sink?.lostBooks(s.category);
      this.o.log(`paper: ${url} closed; reconnecting in ${s.backoffMs / 1000} s`);
      s.retry = setTimeout(() => this.connect(s), s.backoffMs);
      s.retry.unref();
      s.backoffMs = Math.min(MAX_BACKOFF_MS, s.backoffMs * 2);
    });
  }

  private onMessage(s: Stream, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    const ack = Ack.safeParse(msg);
    if (ack.success) {
      if (!ack.data.success) {
        const why = ack.data.ret_msg ?? 'no reason given';
        this.o.log(`paper: ${s.category} subscription refused: ${why}`);
        if (s.category === 'linear') this.onRefused?.(why);
        return;
      }
      s.acked = true;
      if (s.category === 'linear') this.onAck?.();
      return;
    }
    const topic = (msg as { topic?: unknown }).topic;
    if (typeof topic !== 'string' || !this.sink) return;
    if (topic.startsWith('publicTrade.') && s.category === 'linear') {
      const f = TradeFrame.safeParse(msg);
      if (!f.success) return;
      const bySymbol = new Map<string, FedTrade[]>();
      for (const t of [...f.data.data].sort((x, y) => x.T - y.T)) {
        const list = bySymbol.get(t.s) ?? [];
        list.push({ price: dec(t.p), size: dec(t.v), time: t.T });
        bySymbol.set(t.s, list);
      }
      for (const [symbol, trades] of bySymbol) this.sink.trades(symbol, trades);
      return;
    }
    if (topic.startsWith('tickers.') && s.category === 'linear') {
      const f = TickerFrame.safeParse(msg);
      // "" is what Bybit prints for a field it has no value for: keep the last rate.
      if (f.success && f.data.data.fundingRate)
        this.sink.ticker(f.data.data.symbol, { fundingRate: dec(f.data.data.fundingRate) });
      return;
    }
    if (topic.startsWith('orderbook.')) {
      const f = BookFrame.safeParse(msg);
      if (!f.success) return;
      const d = f.data.data;
      // u = 1 is Bybit's "the service restarted": the delta is a full book.
      const kind = f.data.type === 'snapshot' || d.u === 1 ? 'snapshot' : 'delta';
      this.sink.book(s.category, d.s, kind, d.b, d.a, f.data.ts);
    }
  }
}

function idle(): Omit<Stream, 'category' | 'topics'> {
  return { ws: null, ping: null, retry: null, backoffMs: 1000, acked: false };
}
