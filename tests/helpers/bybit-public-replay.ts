// A stand-in for Bybit's PUBLIC hosts (no network): REST /v5/market/kline and /v5/market/time, and the public
// WebSocket (/v5/public/{linear,spot}) acknowledging subscriptions and pongs as Bybit does, then replaying
// frames. Frames are the recorded ones in tests/fixtures/bybit-recorded (publicTrade from Bybit's docs,
// orderbook and the subscription ack from nautilus_trader's fixtures), re-stamped and re-priced per bar.
// It records every request header and op it sees, so a test can say that no key was ever sent.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const FIXTURES = new URL('../fixtures/bybit-recorded/', import.meta.url);

type Json = Record<string, unknown>;

function recorded(name: string): Json {
  return (JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { payload: Json }).payload;
}

export const RECORDED = {
  trade: () => recorded('docs-ws-public-trade.json'),
  bookSnapshot: () => recorded('nautilus-ws-orderbook-snapshot.json'),
  bookDelta: () => recorded('nautilus-ws-orderbook-delta.json'),
  ack: () => recorded('nautilus-ws-subscription-ack.json'),
  klines: () => recorded('nautilus-http-klines-linear.json'),
  ticker: () => recorded('nautilus-ws-ticker-linear.json'),
};

export interface ReplayBar {
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface PublicReplay {
  restUrl: string;
  wsUrl: string;
  /** Headers of every REST request and every op sent on a socket, as seen. */
  readonly seen: { headers: IncomingMessage['headers'][]; ops: string[] };
  /** Resolves once a client has subscribed to `topic` on `/v5/public/{category}`. */
  subscribed(category: 'linear' | 'spot', topic: string): Promise<void>;
  /** Send a frame as is to every subscriber of its topic on `category`. */
  send(category: 'linear' | 'spot', frame: Json): void;
  /** One bar as the venue would print it: trades at open, low/high, high/low, close (publicTrade), then a book. */
  playBar(symbol: string, bar: ReplayBar): void;
  close(): Promise<void>;
}

/** The bar's path the way the simulator walks a candle: an up bar visits its low first. */
function pathOf(b: ReplayBar): string[] {
  return Number(b.close) >= Number(b.open)
    ? [b.open, b.low, b.high, b.close]
    : [b.open, b.high, b.low, b.close];
}

/** A recorded orderbook snapshot moved to `mid`: the same number of levels a tick apart, sizes as recorded. */
function bookAround(symbol: string, depth: number, mid: number, tick: number, ts: number): Json {
  const f = RECORDED.bookSnapshot();
  const d = f['data'] as { b: [string, string][]; a: [string, string][]; u: number; seq: number };
  const dp = tick < 1 ? (String(tick).split('.')[1]?.length ?? 0) : 0;
  const b = d.b.map(([, q], i) => [(mid - tick * (i + 1)).toFixed(dp), q]);
  const a = d.a.map(([, q], i) => [(mid + tick * (i + 1)).toFixed(dp), q]);
  return { ...f, topic: `orderbook.${depth}.${symbol}`, ts, data: { ...d, s: symbol, b, a } };
}

export async function startPublicReplay(o: {
  /** Bars /v5/market/kline lists (oldest first), per symbol. */
  history: Record<string, ReplayBar[]>;
}): Promise<PublicReplay> {
  const seen: PublicReplay['seen'] = { headers: [], ops: [] };
  const subs = new Map<string, Set<WebSocket>>();
  const waiters = new Map<string, (() => void)[]>();
  let connSeq = 0;

  const server: Server = createServer((req, res) => {
    seen.headers.push(req.headers);
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === '/v5/market/time') {
      const now = Date.now();
      res.end(
        JSON.stringify({
          retCode: 0,
          retMsg: 'OK',
          result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` },
          retExtInfo: {},
          time: now,
        }),
      );
      return;
    }
    if (u.pathname === '/v5/market/kline') {
      const symbol = u.searchParams.get('symbol') ?? '';
      const limit = Number(u.searchParams.get('limit') ?? '200');
      const bars = (o.history[symbol] ?? []).slice(-limit);
      const envelope = RECORDED.klines();
      const rows = [...bars]
        .reverse()
        .map((b) => [String(b.start), b.open, b.high, b.low, b.close, b.volume, '0']);
      res.end(
        JSON.stringify({
          ...envelope,
          result: { category: 'linear', symbol, list: rows },
          time: Date.now(),
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    const category = path === '/v5/public/linear' ? 'linear' : path === '/v5/public/spot' ? 'spot' : null;
    if (!category) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connId = `replay-${++connSeq}`;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { op?: string; args?: string[]; req_id?: string };
        seen.ops.push(String(msg.op));
        if (msg.op === 'ping') {
          ws.send(
            JSON.stringify({ success: true, ret_msg: 'pong', conn_id: connId, req_id: '', op: 'ping' }),
          );
          return;
        }
        if (msg.op !== 'subscribe') return;
        const ack = RECORDED.ack();
        ws.send(JSON.stringify({ ...ack, conn_id: connId, req_id: msg.req_id ?? '' }));
        for (const t of msg.args ?? []) {
          const key = `${category}|${t}`;
          let set = subs.get(key);
          if (!set) subs.set(key, (set = new Set()));
          set.add(ws);
          for (const w of waiters.get(key) ?? []) w();
          waiters.delete(key);
        }
      });
      ws.on('close', () => {
        for (const set of subs.values()) set.delete(ws);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const send = (category: 'linear' | 'spot', frame: Json): void => {
    const text = JSON.stringify(frame);
    for (const ws of subs.get(`${category}|${String(frame['topic'])}`) ?? [])
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
  };

  return {
    restUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    seen,
    subscribed: (category, topic) =>
      new Promise((resolve) => {
        const key = `${category}|${topic}`;
        if ((subs.get(key)?.size ?? 0) > 0) return resolve();
        waiters.set(key, [...(waiters.get(key) ?? []), resolve]);
      }),
    send,
    playBar(symbol, bar) {
      const template = RECORDED.trade();
      const [row] = template['data'] as Json[];
      const path = pathOf(bar);
      const size = (Number(bar.volume) / 4 / Number(bar.close)).toFixed(3);
      path.forEach((p, k) => {
        const T = bar.start + Math.floor((k * 59_999) / 3);
        const side = k === 0 || Number(p) >= Number(path[k - 1]) ? 'Buy' : 'Sell';
        send('linear', {
          ...template,
          topic: `publicTrade.${symbol}`,
          ts: T,
          data: [
            {
              ...row,
              T,
              s: symbol,
              S: side,
              v: size === '0.000' ? '0.001' : size,
              p,
              i: `${symbol}-${T}-${k}`,
            },
          ],
        });
      });
      const close = Number(bar.close);
      const T = bar.start + 59_999;
      send('linear', bookAround(symbol, 50, close, 0.1, T));
      send('spot', bookAround(symbol, 50, close, 0.01, T));
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
