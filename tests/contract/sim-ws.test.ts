// The simulator's WebSocket protocol at the frame level (plain `ws` client): pongs the SDK recognises,
// subscribe acks, snapshot-then-delta streams, and the WS faults (auth failure, late pong, drop).
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';

type Msg = Record<string, unknown>;

let sim: SimHandle;
const open: WebSocket[] = [];

beforeEach(async () => {
  sim = await startSim({ speed: 0 });
  sim.market.setPrice('BTCUSDT', '65000');
});

afterEach(async () => {
  for (const s of open.splice(0)) s.terminate();
  await sim.close();
});

/** A socket plus an inbox of raw text frames, for asserting on exact bytes as well as parsed JSON. */
async function connect(path: string) {
  const sock = new WebSocket(`${sim.wsUrl}${path}`);
  open.push(sock);
  const inbox: string[] = [];
  const waiters: { pred: (m: Msg, raw: string) => boolean; resolve: (v: { m: Msg; raw: string }) => void }[] =
    [];
  sock.on('message', (data) => {
    const raw = String(data);
    inbox.push(raw);
    const m = JSON.parse(raw) as Msg;
    for (const w of [...waiters]) {
      if (w.pred(m, raw)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve({ m, raw });
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('open', () => resolve());
    sock.once('error', reject);
  });
  const used = new Set<string>();
  /** The first frame matching `pred` that no earlier call took, whether it already arrived or not. */
  const next = (pred: (m: Msg, raw: string) => boolean, timeoutMs = 2000) => {
    for (const [i, raw] of inbox.entries()) {
      const m = JSON.parse(raw) as Msg;
      if (!used.has(String(i)) && pred(m, raw)) {
        used.add(String(i));
        return Promise.resolve({ m, raw });
      }
    }
    return new Promise<{ m: Msg; raw: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame')), timeoutMs);
      waiters.push({
        pred,
        resolve: (v) => {
          clearTimeout(timer);
          used.add(String(inbox.length - 1));
          resolve(v);
        },
      });
    });
  };
  const send = (m: Msg) => sock.send(JSON.stringify(m));
  return { sock, inbox, next, send };
}

function authArgs(secret = 'sim-secret') {
  const expires = Date.now() + 5000;
  return ['sim-key', expires, createHmac('sha256', secret).update(`GET/realtime${expires}`).digest('hex')];
}

describe('ping / pong as the bybit-api SDK matches them', () => {
  it('answers public pings with ret_msg "pong" and private pings with op "pong", as compact JSON', async () => {
    const pub = await connect('/v5/public/linear');
    pub.send({ op: 'ping' });
    const p = await pub.next((m) => m['op'] === 'ping');
    expect(p.raw).toContain('ret_msg":"pong');
    const priv = await connect('/v5/private');
    priv.send({ op: 'ping', req_id: 'r1' });
    const q = await priv.next((m) => m['op'] === 'pong');
    expect(q.raw).toContain('op":"pong');
    expect(q.m['req_id']).toBe('r1');
  });

  it('late-pong fault delays the pong past the SDK pong timeout', async () => {
    sim.faults.set({ pongDelayMs: 1200 });
    const pub = await connect('/v5/public/linear');
    const t0 = Date.now();
    pub.send({ op: 'ping' });
    await pub.next((m) => m['op'] === 'ping', 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1150);
  });
});

describe('private auth', () => {
  it('authenticates with the HMAC of GET/realtime+expires and refuses a bad one', async () => {
    const c = await connect('/v5/private');
    c.send({ op: 'auth', args: authArgs('wrong'), req_id: 'a1' });
    expect((await c.next((m) => m['op'] === 'auth')).m).toMatchObject({ success: false, req_id: 'a1' });
    c.send({ op: 'subscribe', args: ['order'], req_id: 's0' });
    expect((await c.next((m) => m['req_id'] === 's0')).m).toMatchObject({ success: false, op: 'subscribe' });
    c.send({ op: 'auth', args: authArgs(), req_id: 'a2' });
    expect((await c.next((m) => m['req_id'] === 'a2')).m).toMatchObject({ success: true, op: 'auth' });
  });

  it('auth-failure fault refuses the next N auths, then accepts', async () => {
    sim.faults.set({ authFailures: 1 });
    const c = await connect('/v5/private');
    c.send({ op: 'auth', args: authArgs(), req_id: 'a1' });
    expect((await c.next((m) => m['req_id'] === 'a1')).m).toMatchObject({ success: false });
    c.send({ op: 'auth', args: authArgs(), req_id: 'a2' });
    expect((await c.next((m) => m['req_id'] === 'a2')).m).toMatchObject({ success: true });
  });

  it('refuses the all-in-one topic and a categorised one in the same request', async () => {
    const c = await connect('/v5/private');
    c.send({ op: 'auth', args: authArgs(), req_id: 'a' });
    await c.next((m) => m['op'] === 'auth');
    c.send({ op: 'subscribe', args: ['order', 'order.linear'], req_id: 'mix' });
    expect((await c.next((m) => m['req_id'] === 'mix')).m).toMatchObject({ success: false });
  });
});

describe('public streams', () => {
  it('acks subscribe with the req_id, then sends a ticker snapshot and only changed fields after', async () => {
    const c = await connect('/v5/public/linear');
    c.send({ op: 'subscribe', args: ['tickers.BTCUSDT'], req_id: 'tickers.BTCUSDT' });
    expect((await c.next((m) => m['op'] === 'subscribe')).m).toMatchObject({
      success: true,
      req_id: 'tickers.BTCUSDT',
    });
    const snap = (await c.next((m) => m['topic'] === 'tickers.BTCUSDT')).m;
    expect(snap).toMatchObject({ type: 'snapshot', data: { symbol: 'BTCUSDT', lastPrice: '65000' } });
    sim.market.setPrice('BTCUSDT', '65100');
    const delta = (await c.next((m) => m['topic'] === 'tickers.BTCUSDT' && m['type'] === 'delta')).m;
    const data = delta['data'] as Record<string, string>;
    expect(data['lastPrice']).toBe('65100');
    expect(data['fundingRate']).toBeUndefined();
  });

  it('spot tickers are always snapshots', async () => {
    const c = await connect('/v5/public/spot');
    c.send({ op: 'subscribe', args: ['tickers.BTCUSDT'], req_id: 'x' });
    await c.next((m) => m['topic'] === 'tickers.BTCUSDT');
    sim.market.setPrice('BTCUSDT', '65200');
    const next = (
      await c.next((m) => m['topic'] === 'tickers.BTCUSDT' && (m['data'] as Msg)['lastPrice'] === '65200')
    ).m;
    expect(next['type']).toBe('snapshot');
  });

  it('order book: a snapshot, then deltas that applied to it give the book the REST endpoint shows', async () => {
    const c = await connect('/v5/public/linear');
    c.send({ op: 'subscribe', args: ['orderbook.50.BTCUSDT'], req_id: 'ob' });
    const snap = (await c.next((m) => m['topic'] === 'orderbook.50.BTCUSDT')).m;
    expect(snap['type']).toBe('snapshot');
    const book = { b: new Map<string, string>(), a: new Map<string, string>() };
    const apply = (d: { b: [string, string][]; a: [string, string][] }) => {
      for (const side of ['b', 'a'] as const) {
        for (const [p, q] of d[side]) {
          if (q === '0') book[side].delete(p);
          else book[side].set(p, q);
        }
      }
    };
    apply(snap['data'] as { b: [string, string][]; a: [string, string][] });
    sim.market.setPrice('BTCUSDT', '65001.3');
    const delta = (await c.next((m) => m['topic'] === 'orderbook.50.BTCUSDT' && m['type'] === 'delta')).m;
    const d = delta['data'] as { b: [string, string][]; a: [string, string][]; u: number };
    expect(d.b.some(([, q]) => q === '0') || d.a.some(([, q]) => q === '0')).toBe(true);
    apply(d);
    const res = await fetch(`${sim.restUrl}/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=50`);
    const rest = ((await res.json()) as { result: { b: [string, string][]; a: [string, string][] } }).result;
    expect([...book.b].sort((x, y) => Number(y[0]) - Number(x[0]))).toEqual(rest.b);
    expect([...book.a].sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual(rest.a);
  });

  it('klines: the forming bar, then confirm=true when a bar closes', async () => {
    const c = await connect('/v5/public/linear');
    c.send({ op: 'subscribe', args: ['kline.1.BTCUSDT'], req_id: 'k' });
    const first = (await c.next((m) => m['topic'] === 'kline.1.BTCUSDT')).m;
    const bar = (first['data'] as Msg[])[0] as Msg;
    expect(bar['confirm']).toBe(false);
    sim.market.advance(60_000);
    const closed = await c.next(
      (m) =>
        m['topic'] === 'kline.1.BTCUSDT' &&
        (m['data'] as Msg[]).some((x) => x['start'] === bar['start'] && x['confirm'] === true),
    );
    expect(closed.m['type']).toBe('snapshot');
  });

  it('rejects an unknown topic, echoing the req_id', async () => {
    const c = await connect('/v5/public/linear');
    c.send({ op: 'subscribe', args: ['tickers.NOPEUSDT'], req_id: 'bad' });
    expect((await c.next((m) => m['op'] === 'subscribe')).m).toMatchObject({ success: false, req_id: 'bad' });
  });

  it('drop fault closes sockets from the server side', async () => {
    const c = await connect('/v5/public/spot');
    const closed = new Promise<number>((resolve) => c.sock.once('close', (code) => resolve(code)));
    expect(sim.faults.dropWebSockets('public')).toBe(1);
    expect(await closed).toBeGreaterThan(0);
  });
});
