// The one-off backfill of stored round-trip results: a database written before migration 0003 gets
// trade_pnl on its closing fills and trade_base on its open position, once; a new database never runs it.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq, isNotNull, sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { describe, expect, it, vi } from 'vitest';
import { appliedMigrations, migrateDb, MIGRATIONS_DIR, openDb } from '../../src/db/client.js';
import { loadAccountState } from '../../src/db/repos/account-state.js';
import { recordFill } from '../../src/db/repos/positions.js';
import * as tradeResults from '../../src/db/repos/trade-results.js';
import { fills, positions } from '../../src/db/schema/index.js';
import { dec, ZERO } from '../../src/domain/decimal.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import { buildPortfolioView } from '../../src/portfolio/index.js';
import { freshPgDb, TEST_PG_URL, type TestDb } from '../helpers/db.js';

// A pass-through spy: the real backfill runs; the test only learns whether migrateDb called it.
vi.mock('../../src/db/repos/trade-results.js', async (importOriginal) => {
  const real = await importOriginal<typeof tradeResults>();
  return { ...real, backfillTradeResults: vi.fn(real.backfillTradeResults) };
});

const PERP: PositionInstrument = {
  category: 'linear',
  symbol: 'ETHUSDT',
  baseCoin: 'ETH',
  quoteCoin: 'USDT',
};
const HOUR = 3_600_000;
const N = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
const backfill = vi.mocked(tradeResults.backfillTradeResults);
const at = (h: number): number => Date.UTC(2026, 0, 5) + h * HOUR;

/** A new database migrated only through 0002, as a deployment before stored trade results left it. */
async function dbBefore0003(): Promise<TestDb> {
  const name = `bosun_t_${Date.now().toString(36)}_0002`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const h = await openDb({ url: url.toString(), max: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'bosun-mig-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: unknown[] };
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 3) }));
  await migrate(h.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: dir });
  await rm(dir, { recursive: true, force: true });
  const close = async (): Promise<void> => {
    await h.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  return { ...h, url: url.toString(), close };
}

// ETHUSDT perp, fees in USDT, as the old recordFill stored them (no trade_pnl); funding is a fill row too.
const HISTORY: ReadonlyArray<[string, string, string, string, string, number, string?]> = [
  ['e1', 'Buy', '1', '100', '0.1', 1],
  ['e2', 'Sell', '1', '110', '0.11', 2], // trade 1: (110 − 100) × 1 − 0.1 − 0.11 = 9.79
  ['e3', 'Sell', '2', '110', '0.22', 3],
  ['e4', 'Buy', '1', '115', '0.115', 4], // partial close: realized (110 − 115) × 1 = −5
  ['f5', 'Sell', '0', '0', '0.5', 5, 'Funding'], // 0.5 paid: not a trade, never a trade's close
  ['e6', 'Buy', '1', '120', '0.12', 6], // trade 2: −5 + (110 − 120) × 1 − 0.22 − 0.115 − 0.12 = −15.455
  ['e7', 'Buy', '1', '120', '0.12', 7],
  ['e8', 'Sell', '1', '119', '0.119', 8], // trade 3: (119 − 120) × 1 − 0.12 − 0.119 = −1.239
  ['e9', 'Buy', '2', '100', '0.2', 9],
  ['e10', 'Sell', '3', '90', '0.27', 10], // flip, trade 4: (90 − 100) × 2 − 0.2 − 0.27 = −20.47; short 1 @ 90
  ['e11', 'Buy', '0.5', '85', '0.0425', 11], // partial close of the short: realized (90 − 85) × 0.5 = 2.5
];

describe('backfill of stored trade results', () => {
  // Without a cached instrument the coins come from the symbol's quote suffix: the same results.
  it.each([
    ['with its instrument cached', true],
    ['without an instrument row', false],
  ])(
    'fills in trade_pnl on exactly the closing fills and trade_base on the open position, once (%s)',
    async (_label, withInstrument) => {
      const h = await dbBefore0003();
      try {
        expect(await appliedMigrations(h.db)).toBe(3);
        if (withInstrument)
          await h.db.execute(sql`insert into instruments (category, symbol, base_coin, quote_coin, tick_size,
        qty_step, min_order_qty, max_order_qty, max_market_order_qty, min_notional, max_leverage)
        values ('linear', 'ETHUSDT', 'ETH', 'USDT', 0.01, 0.01, 0.01, 1000, 500, 5, 50)`);
        for (const [id, side, qty, price, fee, hour, type = 'Trade'] of HISTORY) {
          await h.db.execute(sql`insert into fills (exec_id, category, symbol, side, qty, price, fee,
          fee_currency, exec_type, exec_time)
          values (${id}, 'linear', 'ETHUSDT', ${side}, ${qty}, ${price}, ${fee}, 'USDT', ${type}, ${at(hour)})`);
        }
        // realized 10 − 15 − 1 − 20 + 2.5 = −23.5; fees 0.1 + 0.11 + 0.22 + 0.115 + 0.12 + 0.12 + 0.119 + 0.2
        // + 0.27 + 0.0425 = 1.4165; funding −0.5; short 0.5 @ 90 (cost basis 45) opened by the flip at 10:00.
        await h.db.execute(sql`insert into positions (category, symbol, size, avg_entry, realized_pnl, fees,
        funding, mark_price, cost_basis, fill_count, opened_at)
        values ('linear', 'ETHUSDT', -0.5, 90, -23.5, 1.4165, -0.5, 85, 45, 10, ${at(10)})`);

        backfill.mockClear();
        expect(await migrateDb(h)).toEqual({ applied: N - 3, total: N });
        expect(backfill).toHaveBeenCalledTimes(1);
        const rowsNow = async () => ({
          fills: await h.db.select().from(fills).orderBy(asc(fills.execTime)),
          positions: await h.db.select().from(positions),
        });
        const after = await rowsNow();
        expect(after.fills.map((f) => [f.execId, f.tradePnl?.toFixed() ?? null])).toEqual([
          ['e1', null],
          ['e2', '9.79'],
          ['e3', null],
          ['e4', null],
          ['f5', null],
          ['e6', '-15.455'],
          ['e7', null],
          ['e8', '-1.239'],
          ['e9', null],
          ['e10', '-20.47'],
          ['e11', null],
        ]);
        // The short's result is measured from the level after the flip: realized −26 − fees 1.374 = −27.374.
        expect(after.positions.map((p) => p.tradeBase.toFixed())).toEqual(['-27.374']);
        // Risk at 10:00: today's results sum to −27.374 and the last three were losses.
        const { trades: recent } = await loadAccountState(h.db, at(0), at(10));
        const view = buildPortfolioView({
          balances: [],
          positions: [],
          marks: new Map(),
          closedTrades: recent,
          peakEquity: ZERO,
          now: at(10),
        });
        expect(view.realizedPnlToday.toFixed()).toBe('-27.374');
        expect([view.consecutiveLosses, view.lastLossAt]).toEqual([3, at(10)]);

        expect(await migrateDb(h)).toEqual({ applied: 0, total: N });
        expect(backfill).toHaveBeenCalledTimes(1);
        expect(JSON.stringify(await rowsNow())).toBe(JSON.stringify(after));

        // The live path goes on from the backfilled base: Buy 0.5 @ 80 (fee 0.04) closes the short,
        // (90 − 85) × 0.5 + (90 − 80) × 0.5 − 0.0425 − 0.04 = 7.4175.
        const meta = { orderId: null, category: PERP.category, execType: 'Trade', strategyInstanceId: null };
        const close = {
          tradeId: 'e12',
          orderLinkId: null,
          symbol: 'ETHUSDT',
          side: 'Buy' as const,
          qty: dec('0.5'),
          price: dec('80'),
          fee: dec('0.04'),
          feeCurrency: 'USDT',
          ts: at(12),
        };
        expect((await h.db.transaction((tx) => recordFill(tx, PERP, close, meta))).kind).toBe('recorded');
        const [last] = await h.db.select().from(fills).where(eq(fills.execId, 'e12'));
        expect(last?.tradePnl?.toFixed()).toBe('7.4175');
      } finally {
        await h.close();
      }
    },
  );

  it('does not run on a database migrated from nothing', async () => {
    backfill.mockClear();
    const h = await freshPgDb();
    try {
      expect(backfill).not.toHaveBeenCalled();
      expect(await h.db.select().from(fills).where(isNotNull(fills.tradePnl))).toEqual([]);
      expect(await migrateDb(h)).toEqual({ applied: 0, total: N });
      expect(backfill).not.toHaveBeenCalled();
    } finally {
      await h.close();
    }
  });
});
