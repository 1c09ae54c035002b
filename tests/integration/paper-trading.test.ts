// BYBIT_ENV=paper end to end (issue 20): the whole bot on a local stand-in for Bybit's public hosts replaying
// recorded frames (no network, no key anywhere): a strategy trades, the database agrees with the paper
// exchange, /status says paper and shows the paper equity, and a restart carries the same balances on.
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmtMoney } from '../../src/chat/core/format.js';
import { runConsole } from '../../src/chat/console/index.js';
import { startChatGateway } from '../../src/cli/chat-gateway.js';
import { runDoctor } from '../../src/cli/doctor.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { listFills } from '../../src/db/repos/positions.js';
import { getStrategyInstance } from '../../src/db/repos/strategies.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { refreshBalances } from '../../src/engine/portfolio-loader.js';
import { reconcile } from '../../src/engine/reconcile.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { startPublicReplay, type PublicReplay, type ReplayBar } from '../helpers/bybit-public-replay.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

const HISTORY = 40;
const PLAYED = 100;

/** The recorded 1-minute BTC perp bars the strategy replay test uses, moved to end at the current minute. */
function bars(): { history: ReplayBar[]; played: ReplayBar[] } {
  const rows = readFileSync('tests/fixtures/engine-btc-1m.csv', 'utf8').trim().split('\n').slice(1);
  const first = Math.floor(Date.now() / 60_000) * 60_000 - (HISTORY - 1) * 60_000;
  const all = rows.slice(0, HISTORY + PLAYED).map((r, i) => {
    const [, open = '', high = '', low = '', close = '', volume = ''] = r.split(',');
    return { start: first + i * 60_000, open, high, low, close, volume };
  });
  return { history: all.slice(0, HISTORY), played: all.slice(HISTORY) };
}

describe('paper trading on a replayed public feed', () => {
  let db: TestDb;
  let replay: PublicReplay;
  let rt: Runtime | undefined;
  const prefixes: string[] = [];
  const { history, played } = bars();
  const config = parseConfig({
    strategies: [
      {
        id: 'btc-sma',
        strategy: 'sma-cross',
        symbol: 'BTCUSDT',
        category: 'linear',
        interval: '1',
        params: { fast: 3, slow: 8 },
        sizing: { mode: 'fixed-notional', notional: '1000' },
      },
    ],
    approvals: { mode: 'auto' },
  });

  beforeAll(async () => {
    db = await freshPgDb();
    const eth = history.map((b) => ({ ...b, open: '3700', high: '3701', low: '3699', close: '3700' }));
    replay = await startPublicReplay({ history: { BTCUSDT: history, ETHUSDT: eth } });
  });

  afterAll(async () => {
    await rt?.shutdown.run('test done');
    await replay?.close();
    await db?.close();
    for (const p of prefixes) await dropPrefix(p);
  });

  // No BYBIT_API_KEY, no stored key, no master key: paper must not need one.
  const env = () =>
    loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BYBIT_ENV: 'paper',
      BYBIT_REST_URL: replay.restUrl,
      BYBIT_WS_URL: replay.wsUrl,
      LOG_LEVEL: 'silent',
    });

  async function start(): Promise<Runtime> {
    const prefix = testPrefix('paper');
    prefixes.push(prefix);
    const box: { rt?: Runtime } = {};
    // The bot decides on the feed's time: the replay runs bars faster than real time, as a backtest would.
    const r = await startRuntime({
      env: env(),
      config,
      role: 'all',
      prefix,
      notifier: new MemoryNotifier(),
      clock: { now: () => box.rt?.exchange.sim?.market.time() ?? Date.now() },
      // Watches the first wave's tick pipeline (last_candle_time, the orders queue) until it moves to the desk.
      engine: 'legacy',
    });
    box.rt = r;
    return r;
  }

  async function status(r: Runtime): Promise<string> {
    const chat = await startChatGateway(r, env(), config, { prefix: `${prefixes.at(-1)}-chat` });
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const done = runConsole({ input, output, core: chat.gateway.core });
    input.write('/status\n/quit\n');
    await done;
    return text;
  }

  it('a strategy trades on the feed, /status shows the paper equity, and a restart keeps the balances', async () => {
    rt = await start();
    await replay.subscribed('linear', 'publicTrade.BTCUSDT');
    for (const bar of played) {
      replay.playBar('BTCUSDT', bar);
      // The previous bar closed with this bar's first trade: wait for its tick, as a minute would allow.
      const closed = bar.start - 60_000;
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        if (((await getStrategyInstance(rt.deps.db, 'btc-sma'))?.lastCandleTime ?? 0) >= closed) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const orders = await rt.queues.orders.getJobCounts('waiting', 'active', 'delayed');
      if (Object.values(orders).every((n) => n === 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await reconcile(rt.deps);

    const sim = rt.exchange.sim;
    if (!sim) throw new Error('paper runs the simulator in-process');
    const venue = sim.state.executions().filter((e) => e.execType === 'Trade');
    expect(venue.length).toBeGreaterThanOrEqual(2);
    const ours = (await listFills(rt.deps.db)).filter((f) => f.execType === 'Trade');
    expect(ours.map((f) => f.execId).sort()).toEqual(venue.map((e) => e.execId).sort());
    // Fills are at the replayed book's prices (a tick off the bar's close), not a synthetic one.
    for (const e of venue) expect(Number(e.execPrice) % 1).not.toBe(0);

    // /status reads the balances as last refreshed from the exchange: refresh once the replay has ended.
    await refreshBalances(rt.deps, { force: true });
    const wallet = await rt.exchange.exchange.walletBalance();
    const usdt = wallet.coins.find((c) => c.coin === 'USDT')?.walletBalance.toFixed();
    expect(usdt).not.toBe('100000');
    const text = await status(rt);
    expect(text).toMatch(/Mode\s+paper \(paper\)/);
    expect(text).toMatch(
      new RegExp(`Equity\\s+${fmtMoney(wallet.totalEquity).replace(/[.,]/g, '\\$&')} USDT`),
    );

    await rt.shutdown.run('restart');
    rt = await start();
    const again = await rt.exchange.exchange.walletBalance();
    expect(again.coins.find((c) => c.coin === 'USDT')?.walletBalance.toFixed()).toBe(usdt);
    const positions = await rt.exchange.exchange.positions({ settleCoin: 'USDT' });
    const before = sim.state.positions().find((p) => p.symbol === 'BTCUSDT');
    expect(positions.find((p) => p.symbol === 'BTCUSDT')?.size.toFixed() ?? '0').toBe(
      before ? before.size : '0',
    );

    // Nothing was ever signed for the venue: no request or socket op carried a key.
    expect(replay.seen.headers.some((h) => 'x-bapi-api-key' in h || 'x-bapi-sign' in h)).toBe(false);
    expect(new Set(replay.seen.ops)).toEqual(new Set(['subscribe']));
  }, 120_000);

  it('bosun doctor says it is in paper mode, names the public hosts and needs no key', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (d: Buffer) => (text += d.toString()));
    const code = await runDoctor(env(), { stdout, stderr: new PassThrough(), stdin: new PassThrough() });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `✓ mode: paper: simulated orders and balances (kept in the database) on Bybit's live public market data from ${replay.restUrl} and ${replay.wsUrl}; no API key is used`,
    );
    expect(text).toMatch(
      /✓ exchange: paper exchange \(the live public feed answered\): UNIFIED paper account, equity \d/,
    );
    expect(code, text).toBe(0);
  }, 60_000);
});
