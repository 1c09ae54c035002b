// Issue 18, acceptance 1, by chat: the bot (startRuntime, the desk, the chat gateway) runs a user strategy
// file trading BTCUSDT in and out on the simulator while the operator types `/buy BTCUSDT 0.05`; after
// several round trips `/close in-out-1` leaves the venue's net at exactly +0.05, all of it the manual book's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/chat/core/reply.js';
import { startChatGateway, type ChatGateway } from '../../src/cli/chat-gateway.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { bookPositions } from '../../src/db/repos/kernel-books.js';
import { Decimal } from '../../src/domain/decimal.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { loadConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { say, venueNet } from '../helpers/desk.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

const STRATEGY = `// In on every third bar, out two bars later: round trips of its own book.
export default {
  name: 'in-out',
  lookback: 2,
  create: () => {
    let n = -1;
    return {
      onBar(ctx) {
        n += 1;
        if (n % 3 === 0 && ctx.book.side === 'flat') ctx.enterLong();
        if (n % 3 === 2 && ctx.book.side === 'long') ctx.exit();
      },
    };
  },
};
`;

const CONFIG = `strategies:
  - id: in-out-1
    strategy: ./in-out.ts
    symbol: BTCUSDT
    interval: 1
    sizing: { mode: fixed-notional, notional: "1000" }
approvals: { mode: auto }
# Round trips at a standing price lose their fees: the loss cool-down would stop the instance after three.
risk: { staleDataSeconds: 100000, lossCooldown: { losses: 1000 } }
`;

function words(r: Reply | undefined): string {
  if (!r) return '';
  return [r.title, ...r.blocks.map((b) => ('text' in b ? String(b.text) : JSON.stringify(b)))].join(' ');
}

describe('books, by chat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-books-'));
  const prefix = testPrefix('books');
  let db: TestDb;
  let sim: SimHandle;
  let rt: Runtime;
  let chat: ChatGateway;

  async function idle(): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      const n = await rt.queues.decisions.getJobCounts('waiting', 'active');
      if (n.waiting === 0 && n.active === 0 && i > 4) return;
    }
  }

  beforeAll(async () => {
    [db, sim] = await Promise.all([freshPgDb(), startSim({ port: 0, speed: 0, seed: 9 })]);
    sim.market.setPrice('BTCUSDT', '50000');
    writeFileSync(join(dir, 'in-out.ts'), STRATEGY);
    writeFileSync(join(dir, 'bosun.yaml'), CONFIG);
    const { config, source } = loadConfig(join(dir, 'bosun.yaml'));
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      BOSUN_DATA_DIR: join(dir, '.bosun'),
      LOG_LEVEL: 'silent',
    });
    rt = await startRuntime({
      env,
      config,
      configSource: source,
      role: 'all',
      prefix,
      notifier: new MemoryNotifier(),
    });
    chat = await startChatGateway(rt, env, config, { prefix: `${prefix}-chat`, alertWorker: false });
  }, 90_000);

  afterAll(async () => {
    await rt?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    await dropPrefix(prefix);
    await dropPrefix(`${prefix}-chat`);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("/buy 0.05, a strategy trading in and out, /close <instance>: the venue holds exactly the operator's 0.05", async () => {
    const bought = await say(chat, '/buy BTCUSDT 0.05');
    expect(words(bought)).toMatch(/Accepted/);
    await idle();
    const strategyHolds = async () => {
      const [btc] = await bookPositions(db.db, { symbol: 'BTCUSDT', includeFlat: true });
      return btc?.books.find((b) => b.book === 'in-out-1')?.size.toFixed() ?? '0';
    };
    // At every step the venue holds the operator's 0.05 plus whatever the instance's own book holds.
    const held = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      const own = await strategyHolds();
      held.add(own);
      expect(await venueNet(rt.exchange.exchange)).toBe(new Decimal('0.05').plus(own).toFixed());
      sim.market.advance(60_000);
      await idle();
    }
    // It was in and out: flat at some closes, 0.02 at others.
    expect([...held].sort()).toEqual(['0', '0.02']);
    for (let i = 0; i < 3 && (await strategyHolds()) === '0'; i += 1) {
      sim.market.advance(60_000);
      await idle();
    }
    expect(await strategyHolds()).toBe('0.02');
    expect(await venueNet(rt.exchange.exchange)).toBe('0.07');

    const closed = await say(chat, '/close in-out-1');
    expect(words(closed)).not.toMatch(/Unknown|Nothing/);
    await idle();
    expect(await venueNet(rt.exchange.exchange)).toBe('0.05');

    const [btc] = await bookPositions(db.db, { symbol: 'BTCUSDT', includeFlat: true });
    const manual = btc?.books.find((b) => b.book === 'manual');
    const strategy = btc?.books.find((b) => b.book === 'in-out-1');
    expect(manual?.size.toFixed()).toBe('0.05');
    expect(manual?.realizedPnl.isZero()).toBe(true);
    expect(strategy?.size.toFixed()).toBe('0');
    // Several round trips, each an entry and an exit of its own book.
    expect(strategy?.fillCount ?? 0).toBeGreaterThanOrEqual(6);
    expect((strategy?.fillCount ?? 1) % 2).toBe(0);
  }, 120_000);
});
