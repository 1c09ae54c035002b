// startSim: wires the simulator's parts (market, engine, REST and WS fronts, faults) onto one HTTP port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Decimal, dec } from '../../domain/decimal.js';
import { type BehaviourPatch, SimBehaviour } from './behaviour.js';
import { loadCandleFile } from './candles.js';
import { Engine } from './engine.js';
import type { FeedSink, MarketFeed } from './feed.js';
import { LiveBooks } from './live-book.js';
import { SnapshotSaver, restoreAccount, type AccountStore } from './snapshot.js';
import { RET } from './errors.js';
import { SimFaults } from './faults.js';
import { createHttpFront } from './http-server.js';
import { SYMBOLS } from './instruments.js';
import { Market, shiftReplay, type SimMarket } from './market.js';
import { PrivateOutbox } from './outbox.js';
import { RateLimiter } from './rate-limit.js';
import { type SimStateView, stateView } from './state-view.js';
import { SimWs } from './ws-server.js';

export interface SimOptions {
  /** 0 / undefined = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'sim-key' / 'sim-secret'. */
  key?: string;
  secret?: string;
  /** More accounts, each with its own balance and books. */
  accounts?: { key: string; secret: string }[];
  /** Starting balance of every account: '100000USDT' (default) or '50000USDT,1BTC,10ETH'. */
  balance?: string;
  /** Candle file replayed as the price path of `dataSymbol` (CSV or JSON; see candles.ts). */
  data?: string;
  /** Symbol the data file drives (default BTCUSDT); other symbols follow the random walk. */
  dataSymbol?: string;
  /** Bars of the file shown as history before the replay starts (default 200). */
  historyBars?: number;
  /** Market seconds per real second (default 1; 0 = paused, move it with `market.advance(ms)`). */
  speed?: number;
  seed?: number;
  /** Clock for the server's time (default Date.now); faults.clockSkewMs is added on top. */
  now?: () => number;
  log?: (line: string) => void;
  /** Full bid/ask spread in basis points around the last price (default 1). */
  spreadBps?: number;
  /** Per-8h funding rate charged to longs, paid to shorts (default '0.0001'). */
  fundingRate?: string;
  /** Enforce Bybit's per-endpoint limits (default true; benchmarks turn it off). */
  rateLimits?: boolean;
  /** Spot duplicate orderLinkId code: Bybit's docs list 170141, ccxt has seen 12141 (default 170141). */
  spotDuplicateCode?: 170141 | 12141;
  /** Behaviour switches (behaviour.ts); unset keys take Bybit's real behaviour. */
  behaviour?: BehaviourPatch;
  /** Paper trading: the venue's public data drives prices and books (data, speed and seed are ignored). */
  feed?: MarketFeed;
  /** Keeps the accounts' balances and positions between runs (loaded at start, saved as they change). */
  store?: AccountStore;
}

export interface SimHandle {
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly restUrl: string;
  /** ws://127.0.0.1:PORT; clients append /v5/public/linear, /v5/public/spot, /v5/private. */
  readonly wsUrl: string;
  readonly port: number;
  readonly faults: SimFaults;
  /** Behaviour switches, changeable while running (replayTimes only at start). */
  readonly behaviour: SimBehaviour;
  readonly market: SimMarket;
  readonly state: SimStateView;
  /** Paper trading's feed (null for the simulator's own market). */
  readonly feed: MarketFeed | null;
  close(): Promise<void>;
}

/** Parse '100000USDT' or '50000USDT,1BTC'. */
export function parseBalance(text: string): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Z]{2,10})\s*$/.exec(part);
    if (!m)
      throw new RangeError(
        `bad balance "${part.trim()}": expected an amount and a coin, e.g. 100000USDT or 1.5BTC`,
      );
    out.set(m[2] as string, dec(m[1] as string));
  }
  return out;
}

export async function startSim(opts: SimOptions = {}): Promise<SimHandle> {
  const clock = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const faults = new SimFaults();
  const serverNow = (): number => clock() + faults.settings.clockSkewMs;
  const accounts = [
    { key: opts.key ?? 'sim-key', secret: opts.secret ?? 'sim-secret' },
    ...(opts.accounts ?? []),
  ];
  const secrets = new Map(accounts.map((a) => [a.key, a.secret]));
  const secretOf = (key: string): string | undefined => secrets.get(key);
  const balances = parseBalance(opts.balance ?? '100000USDT');
  const fundingRate = dec(opts.fundingRate ?? '0.0001');
  const behaviour = new SimBehaviour(opts.behaviour);
  const historyBars = opts.historyBars ?? 200;
  const feed = opts.feed ?? null;
  const loaded = opts.data && !feed ? loadCandleFile(opts.data) : undefined;
  // Bybit's bars are recent; a file from 2022 is moved so the replay starts at the server's current time.
  const file =
    loaded && behaviour.settings.replayTimes === 'now' ? shiftReplay(loaded, historyBars, clock()) : loaded;
  const speed = feed ? 1 : (opts.speed ?? 1);
  const market = new Market({
    symbols: SYMBOLS,
    startTime: clock(),
    speed,
    seed: opts.seed ?? 42,
    data: file ? { symbol: opts.dataSymbol ?? 'BTCUSDT', file, historyBars } : undefined,
    ...(feed ? { feed: { clock } } : {}),
    log,
  });
  const liveBooks = feed ? new LiveBooks() : undefined;
  const liveFunding = new Map<string, Decimal>();
  const dataNow = (): number => Math.max(serverNow(), market.time());
  const engine = new Engine({
    now: serverNow,
    last: (s) => market.last(s),
    spreadBps: opts.spreadBps ?? 1,
    partialFills: () => faults.settings.partialFills,
    fundingRate,
    spotDuplicateCode: opts.spotDuplicateCode ?? RET.spotDuplicateLinkId,
    behaviour,
    ...(liveBooks ? { liveBooks, fundingRateOf: (s: string) => liveFunding.get(s) } : {}),
  });
  for (const a of accounts) {
    const account = engine.addAccount(a.key, balances);
    const stored = await opts.store?.load(a.key);
    if (stored) restoreAccount(account, stored, serverNow());
  }
  const saver = opts.store ? new SnapshotSaver(engine, opts.store, log) : null;
  const deps = { engine, market, faults, serverNow, dataNow, secretOf, fundingRate, log };
  const ws = new SimWs(deps);
  const outbox = new PrivateOutbox((batch) => ws.publishPrivate(batch));
  const front = createHttpFront({
    ...deps,
    behaviour,
    outbox,
    limiter: new RateLimiter(opts.rateLimits !== false),
    launchTime: clock(),
  });
  engine.sink = (batch) => {
    outbox.push(batch);
    if (saver && (batch.wallet || batch.positions.length > 0)) saver.schedule(batch.account);
  };
  market.attach({
    onPoint: (symbol, price) => engine.onPoint(symbol, price),
    onStep: (prev, t) => {
      engine.onStep(prev, t);
      ws.publishPublic();
    },
  });
  faults.attachDropper((scope) => ws.drop(scope));

  const server = createServer({ keepAliveTimeout: 65_000 }, front.handle);
  server.on('upgrade', ws.handleUpgrade);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const fedSteps = stepper(market);
  if (feed) {
    try {
      await feed.start(feedSink(fedSteps, liveBooks as LiveBooks, liveFunding, market));
    } catch (e) {
      await feed.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw e;
    }
  }
  market.start();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log(
    `sim: listening on http://${urlHost}:${port} (${feed ? feed.describe() : `speed ${speed}, ${file ? `replaying ${opts.data}` : 'random walk'}`})`,
  );

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      market.stop();
      await feed?.close();
      fedSteps.stop();
      faults.dispose();
      outbox.flushNow();
      await saver?.flush();
      for (const res of front.hanging) res.destroy();
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return closing;
  };

  return {
    restUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}`,
    port,
    faults,
    behaviour,
    market,
    state: stateView(engine, accounts[0]?.key ?? 'sim-key'),
    feed,
    close,
  };
}

/** The feed's frames into the market (trades → the price path) and the live books. */
/**
 * After fed frames: flush private frames and publish, at most every 50 ms (Bybit pushes a 50-level book every
 * 20 ms); the first step after a quiet spell runs at once. Matching itself runs on every trade.
 */
function stepper(market: Market): { step(prev: number): void; stop(): void } {
  const EVERY_MS = 50;
  let last = -Infinity;
  let from: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const run = (): void => {
    timer = null;
    const prev = from ?? market.time();
    from = null;
    last = performance.now();
    market.fedStep(prev);
  };
  return {
    step(prev) {
      from = from === null ? prev : Math.min(from, prev);
      if (timer) return;
      const wait = last + EVERY_MS - performance.now();
      if (wait <= 0) return run();
      timer = setTimeout(run, wait);
      timer.unref();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

function feedSink(
  steps: { step(prev: number): void },
  books: LiveBooks,
  funding: Map<string, Decimal>,
  market: Market,
): FeedSink {
  return {
    history: (symbol, bars) => market.seedHistory(symbol, bars),
    trades: (symbol, trades) => {
      const prev = market.time();
      for (const t of trades) market.feedTrade(symbol, t.price, t.size, t.time);
      steps.step(prev);
    },
    book: (category, symbol, kind, b, a, at) => {
      books.apply(category, symbol, kind, b, a, at);
      steps.step(market.time());
    },
    ticker: (symbol, f) => {
      if (f.fundingRate) funding.set(symbol, f.fundingRate);
    },
    lostBooks: (category) => books.reset(category),
  };
}
