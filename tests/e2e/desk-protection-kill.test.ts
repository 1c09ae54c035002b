// Protection lives at the exchange (issue 18, acceptance 3 and 4): a user strategy file enters BTCUSDT long
// with a 2 % stop through `bosun start`; the bot is killed with SIGKILL; the price falls through the stop and
// the venue closes the position on its own; a restarted bot finds the stop filled and its book agrees with
// the venue. A linear instance with `leverage: 3` has it set before its first entry.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookPositions } from '../../src/db/repos/kernel-books.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { ROOT } from '../helpers/cli.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, testPrefix } from '../helpers/redis.js';
import { adapterFor } from '../helpers/sim-exchange.js';

const STRATEGY = `// Enters long with a 2 % stop whenever its book is flat (written from docs/strategies.md).
export default {
  name: 'stopper',
  lookback: 2,
  create: () => ({
    onBar(ctx) {
      if (ctx.book.side === 'flat' && !ctx.book.pending) ctx.enterLong({ stop: { pct: 2 } });
    },
  }),
};
`;

const CONFIG = `strategies:
  - id: stopper-1
    strategy: ./strategies/stopper.ts
    symbol: BTCUSDT
    interval: 1
    leverage: "3"
    sizing: { mode: fixed-notional, notional: "1000" }
approvals: { mode: auto }
risk: { staleDataSeconds: 100000 }
`;

const dir = mkdtempSync(join(tmpdir(), 'bosun-kill-'));
const prefix = testPrefix('kill');
const children: ChildProcessWithoutNullStreams[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function waitFor(child: ChildProcessWithoutNullStreams, re: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms; got:\n${out}`)), ms);
    const on = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(t);
        resolve(out);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`exited (${code}) before ${re}; got:\n${out}`));
    });
  });
}

async function until<T>(what: string, ms: number, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  return v;
}

describe('protection survives bosun being killed', () => {
  let sim: SimHandle;
  let db: TestDb;
  let env: Record<string, string>;

  function start(): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, [`${ROOT}/bin/bosun.js`, 'start'], { cwd: dir, env });
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    [sim, db] = await Promise.all([startSim({ port: 0, speed: 0, seed: 5 }), freshPgDb()]);
    sim.market.setPrice('BTCUSDT', '50000');
    mkdirSync(join(dir, 'strategies'));
    writeFileSync(join(dir, 'strategies', 'stopper.ts'), STRATEGY);
    writeFileSync(join(dir, 'bosun.yaml'), CONFIG);
    env = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      DATABASE_URL: db.url,
      BOSUN_DATA_DIR: join(dir, '.bosun'),
      BOSUN_CONFIG: join(dir, 'bosun.yaml'),
      BOSUN_QUEUE_PREFIX: prefix,
      BOSUN_HTTP_PORT: String(await freePort()),
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      LOG_LEVEL: 'info',
    });
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await sim?.close();
    await db?.close();
    await dropPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the venue closes the position at the stop while bosun is dead; after a restart the book agrees', async () => {
    const ex = adapterFor(sim);
    try {
      const first = start();
      await waitFor(first, /desk loaded/, 90_000);
      // A bar closes: the strategy enters, the stop goes to the venue once the entry fills.
      sim.market.advance(60_000);
      const stop = await until(
        'the stop at the venue',
        30_000,
        async () =>
          (await ex.openOrders({ category: 'linear', symbol: 'BTCUSDT' })).filter((o) => o.triggerPrice),
        (os) => os.length === 1,
      );
      const pos = await ex.positions({ symbol: 'BTCUSDT' });
      expect(pos[0]?.side).toBe('long');
      // leverage: "3" was set before the entry (the simulator's default is 10).
      expect(pos[0]?.leverage?.toFixed()).toBe('3');
      const size = pos[0]?.size.toFixed();
      expect(stop[0]?.side).toBe('sell');
      expect(stop[0]?.qty.toFixed()).toBe(size);
      // 2 % under the entry, rounded up to the tick (never a bigger loss than asked).
      const entry = pos[0]?.avgPrice;
      expect(stop[0]?.triggerPrice?.lte(entry?.mul('0.98').plus('0.1') ?? 0)).toBe(true);
      expect(stop[0]?.triggerPrice?.gte(entry?.mul('0.98') ?? 0)).toBe(true);

      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      // The market falls through the stop with no bosun running: the venue closes the position by itself.
      sim.market.setPrice('BTCUSDT', '48000');
      await until(
        'the venue flat',
        20_000,
        async () => (await ex.positions({ symbol: 'BTCUSDT' }))[0]?.size.toFixed() ?? '0',
        (s) => s === '0',
      );

      const second = start();
      await waitFor(second, /desk loaded/, 90_000);
      // The restarted desk looks its open orders up, finds the stop filled and folds its fill into the book.
      const books = await until(
        'the book flat in Postgres',
        30_000,
        async () => (await bookPositions(db.db, { symbol: 'BTCUSDT', includeFlat: true }))[0]?.books ?? [],
        (bs) => bs.some((b) => b.book === 'stopper-1' && b.size.isZero() && b.fillCount === 2),
      );
      const mine = books.find((b) => b.book === 'stopper-1');
      expect(mine?.realizedPnl.isNegative()).toBe(true);
      expect((await ex.openOrders({ category: 'linear', symbol: 'BTCUSDT' })).length).toBe(0);
      second.kill('SIGTERM');
    } finally {
      await ex.close();
    }
  }, 240_000);
});
