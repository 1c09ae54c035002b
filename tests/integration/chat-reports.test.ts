// The chat reports on real Postgres (issue #9, acceptance 1): a fixed fill history stored the way the
// engine stores it (tests/fixtures/reports-chat-history.ts) — spot partial fills with fees in BTC and USDT, a perp long flipping short through
// zero, funding at three marks, two strategies and a manual fill, trades closing just before and just
// after UTC midnight on the Sunday → Monday ISO week boundary, equity snapshots with a drawdown — and
// /pnl, /performance, /trades, /status and the digest, rendered by the console renderer, checked
// against hand-computed figures. Displayed money is rounded half-even to 2 places.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { renderPlain } from '../../src/chat/console/render.js';
import { digestAlert } from '../../src/chat/core/digest.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { ManualClock } from '../../src/domain/clock.js';
import { dec } from '../../src/domain/decimal.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import { parseConfig } from '../../src/platform/config.js';
import { MIN, MON, NOW, SUN, seedChatReports, storeFill } from '../fixtures/reports-chat-history.js';
import { at } from '../fixtures/reports-history.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

const clock = new ManualClock(NOW);
let h: TestDb;
let gw: Gateway;

async function ask(text: string): Promise<string> {
  clock.advance(10_000);
  const r = await gw.core.handle({ platform: 'telegram', userId: '21', chatId: '21', scope: '21', text });
  return r.replies.map((x) => renderPlain(x, 0, true).text).join('\n');
}

async function press(data: string): Promise<string> {
  clock.advance(10_000);
  const r = await gw.core.handle({
    platform: 'telegram',
    userId: '21',
    chatId: '21',
    scope: '21',
    callback: data,
  });
  return r.replies.map((x) => renderPlain(x, 0, true).text).join('\n');
}

/** The rendered lines, trimmed, for exact row comparisons. */
const lines = (s: string): string[] => s.split('\n').map((l) => l.trimEnd());
/** A table row from its cells, however the table spaced them. */
const row = (...cells: string[]): RegExp =>
  new RegExp(`^${cells.map((c) => c.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&')).join(' +')}$`, 'm');

beforeAll(async () => {
  h = await freshPgDb();
  await upsertChatUser(h.db, { platform: 'telegram', userId: '21', role: 'viewer' });
  await seedChatReports(h.db);
  gw = buildGateway({
    db: h.db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'bosun test', startedAt: NOW - 3600_000 },
    health: [],
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('/pnl', () => {
  it('shows the last 7 UTC days from the first fill, newest first, split at midnight', async () => {
    const out = await ask('/pnl');
    // The history starts on 2026-01-01 (its first fill and snapshot): no zero rows before the bot existed.
    expect(out).toContain('PnL by day, 2026-01-01 → 2026-01-05');
    expect(out).toMatch(row('Day', 'Realized', 'Fees', 'Fund', 'Net', '#', 'Win'));
    // Columns: realized, fees, funding, net (= realized − fees + funding), trades closed, win rate.
    // 01-05: x5 −3; fees x5 0.1716 + x6 0.11 = 0.2816; net −3.2816; trade B lost.
    expect(out).toMatch(row('01-05', '-3.00', '0.28', '0.00', '-3.28', '1', '0%'));
    // 01-04: x2 +20, x4 +1 (at 23:59:59.999); fees 0.55 + 0.561 + 0.2266 + 0.0561 = 1.3937; trade A won.
    expect(out).toMatch(row('01-04', '+21.00', '1.39', '0.00', '+19.61', '1', '100%'));
    expect(out).toMatch(row('01-03', '0.00', '0.00', '0.00', '0.00', '0', '—'));
    // 01-01: 198.01 − 6.91791 − 0.4 = 190.69209; 3 trades, 1 won.
    expect(out).toMatch(row('01-01', '+198.01', '6.92', '-0.40', '+190.69', '3', '33%'));
    expect(out).not.toContain('12-31');
    const days = lines(out)
      .filter((l) => /^\d\d-\d\d /.test(l))
      .map((l) => l.slice(0, 5));
    expect(days).toEqual(['01-05', '01-04', '01-03', '01-02', '01-01']);
    // Total: realized 198.01 + 21 − 3 = 216.01; fees 6.91791 + 1.3937 + 0.2816 = 8.59321; funding −0.4;
    // net 207.01679; 5 trades, 2 won. The BTC fee (s1) is listed, never added to USDT.
    expect(out).toContain(
      'Total net +207.02 USDT = realized +216.01 − fees 8.59 + funding -0.40 · 5 trades closed (#), 40% won · fees also 0.001 BTC',
    );
  });

  it('counts a trade opened yesterday in the day it closes, with its whole fee history', async () => {
    const out = await ask('/pnl 1');
    expect(out).toContain('PnL by day, 2026-01-05 → 2026-01-05');
    expect(out).toMatch(row('01-05', '-3.00', '0.28', '0.00', '-3.28', '1', '0%'));
    expect(out).toContain(
      'Total net -3.28 USDT = realized -3.00 − fees 0.28 + funding 0.00 · 1 trade closed',
    );
  });

  it('splits ISO weeks at Monday 00:00 UTC', async () => {
    const out = await ask('/pnl week');
    expect(out).toContain('PnL by week (Monday start), 2025-12-29 → 2026-01-11');
    expect(out).toMatch(row('Week', 'Realized', 'Fees', 'Fund', 'Net', '#', 'Win'));
    // W02 (from Mon 01-05) holds only x5's close and Monday's fees.
    expect(out).toMatch(row('01-05', '-3.00', '0.28', '0.00', '-3.28', '1', '0%'));
    // W01 (Mon 12-29 – Sun 01-04): 198.01 + 21 = 219.01; fees 6.91791 + 1.3937 = 8.31161; funding −0.4;
    // net 210.29839; 4 trades, 2 won.
    expect(out).toMatch(row('12-29', '+219.01', '8.31', '-0.40', '+210.30', '4', '50%'));
    expect(out).not.toContain('12-22');
  });

  it('groups calendar months, in two tables when one would not fit a phone', async () => {
    const out = await ask('/pnl month');
    expect(out).toContain('PnL by month, 2026-01-01 → 2026-01-31');
    // "2026-01" and seven columns need 41 characters: money and trades go in two tables instead of
    // shortening the month to "2026-…".
    expect(out).not.toContain('…');
    expect(out).toMatch(row('Month', 'Realized', 'Fees', 'Funding', 'Net'));
    expect(out).toMatch(row('2026-01', '+216.01', '8.59', '-0.40', '+207.02'));
    expect(out).not.toContain('2025-12');
    expect(out).toMatch(row('Month', 'Trades', 'Win'));
    expect(out).toMatch(row('2026-01', '5', '40%'));

    for (const l of lines(out).filter((x) => !/^(==|Total)/.test(x)))
      expect([...l].length).toBeLessThanOrEqual(40);
    expect(await ask('/pnl fortnight')).toMatch(
      /"fortnight" is not day, week, month or a number of days from 1 to 365/,
    );
  });
});

describe('/performance', () => {
  it('all time: per symbol and per strategy, with the max drawdown', async () => {
    const out = await ask('/perf');
    expect(out).toContain('Performance, all time');
    // Columns: net, trades, win rate, profit factor (gross wins / gross losses), expectancy (mean trade).
    // ETHUSDT: 200 − 6.71 − 0.4 = 192.89; trades −105.225 and +298.515: PF 2.8369, exp 96.645 → 96.64.
    expect(out).toMatch(row('ETHUSDT', '+192.89', '2', '50%', '2.84', '+96.64'));
    // SOLUSDT: 20 + 1 − 3 = 18 − fees 1.6753 = 16.3247; trades +18.889, −2.4543: PF 7.6963, exp 8.21735.
    expect(out).toMatch(row('SOLUSDT', '+16.32', '2', '50%', '7.70', '+8.22'));
    // BTCUSDT: −1.99 − 0.20791 = −2.19791 (the 0.001 BTC fee listed below); one losing trade −2.29791.
    expect(out).toMatch(row('BTCUSDT', '-2.20', '1', '0%', '0.00', '-2.30'));
    // (none): p5 +300 − 1.485 and all funding −0.4 = 298.115; its trade +298.515, no loss → PF ∞.
    expect(out).toMatch(row('(none)', '+298.12', '1', '100%', '∞', '+298.52'));
    expect(out).toMatch(row('sma-btc', '-2.20', '1', '0%', '0.00', '-2.30'));
    // ema-alt: ETH p3 +100, p4 −200 and SOL +18 = −82; fees 5.225 + 1.6753 = 6.9003 → −88.9003. Trades
    // −105.225, +18.889, −2.4543: PF 18.889 / 107.6793 = 0.1754, exp −88.7903 / 3 = −29.5968.
    expect(out).toMatch(row('ema-alt', '-88.90', '3', '33%', '0.18', '-29.60'));
    const symbols = lines(out)
      .filter((l) => /^[A-Z]+USDT +[-+]\d/.test(l))
      .map((l) => l.split(' ')[0]);
    expect(symbols).toEqual(['ETHUSDT', 'SOLUSDT', 'BTCUSDT']);
    expect(out).toContain('Total net +207.02 USDT (realized − fees + funding), 5 trades closed (#), 40% won');
    expect(out).toContain('BTCUSDT fees also 0.001 BTC');
    expect(out).toContain('Max drawdown 180.00 USDT (15.00%), 2026-01-01 16:00 → 2026-01-05 00:30');
  });

  it('this week: only what closed since Monday 00:00', async () => {
    const out = await ask('/performance week');
    expect(out).toContain('Performance this week (2026-W02)');
    // x5 −3 and fees 0.2816 → −3.2816; trade B −2.4543.
    expect(out).toMatch(row('SOLUSDT', '-3.28', '1', '0%', '0.00', '-2.45'));
    expect(out).toMatch(row('ema-alt', '-3.28', '1', '0%', '0.00', '-2.45'));
    expect(out).not.toContain('ETHUSDT');
    // Snapshots this week: 1020, then 1040 — no fall.
    expect(out).toContain('Max drawdown 0.00 USDT (0.00%)');
    expect(await ask('/performance year')).toMatch(/"year" is not day, week, month or all/);
  });
});

describe('/trades', () => {
  it('lists the closed round trips newest first with entry → exit and net PnL', async () => {
    const out = await ask('/trades');
    expect(out).toContain('Last 5 closed trades');
    expect(lines(out).slice(1, 6)).toEqual([
      '01-05 00:00  SOLUSDT short 4  103 → 103.5  -2.45',
      '01-04 23:59  SOLUSDT long 10  100 → 102  +18.89',
      '01-01 16:00  ETHUSDT short 3  1,000 → 900  +298.52',
      // Long 3 @ 1100 closed 1 @ 1200 and 2 @ 1000 (by the flip): exit 3200 / 3.
      '01-01 15:00  ETHUSDT long 3  1,100 → 1,066.6667  -105.22',
      // 1.499 BTC held for 154.9, sold for 152.91.
      '01-01 04:00  BTCUSDT long 1.499  103.3356 → 102.008  -2.30',
    ]);
    // −2.4543 + 18.889 + 298.515 − 105.225 − 2.29791 = 207.42679.
    expect(out).toContain('Net +207.43 USDT over these trades, 2 won');
    const two = await ask('/fills 2');
    expect(lines(two).slice(0, 3)).toEqual([
      '== Last 2 closed trades ==',
      '01-05 00:00  SOLUSDT short 4  103 → 103.5  -2.45',
      '01-04 23:59  SOLUSDT long 10  100 → 102  +18.89',
    ]);
    expect(await ask('/trades 0')).toContain('n must be a whole number from 1 to 100, got "0"');
  });
});

describe('/status and the digest', () => {
  it('/status: today realized net of fees, and the open position at its mark', async () => {
    const out = await ask('/status');
    // No balance synced: the last snapshot (11:00), named as such.
    expect(out).toMatch(/Equity +1,040\.00 USDT \(snapshot 11:00\)/);
    // Today −3 − 0.2816 = −3.2816; open: SOL long 2 @ 100 marked 105 → +10.
    expect(out).toMatch(/Today +-3\.28 net, \+10\.00 unrealized/);
    expect(out).toMatch(/Positions +1 \(uPnL \+10\.00\)/);
  });

  it('the digest PnL is the day realized net; its equity is the day last snapshot', async () => {
    // Sunday: 21 − 1.3937 = 19.6063; 4 trade fills; the last snapshot by midnight is 1150.
    expect(await digestAlert(h.db, SUN, MON + 8 * 60 * MIN)).toEqual({
      kind: 'digest',
      day: '2026-01-04',
      equity: '1150.00',
      pnl: '19.61',
      trades: 4,
      openPositions: 1,
      pendingApprovals: 0,
    });
    // 2026-01-01: 190.69209 (the BTC fee is not in USDT); 9 trade fills; last snapshot 1200.
    const jan1 = await digestAlert(h.db, at(0), MON);
    expect([jan1.kind === 'digest' && jan1.pnl, jan1.kind === 'digest' && jan1.equity]).toEqual([
      '190.69',
      '1200.00',
    ]);
  });
});

describe('/trades pagination', () => {
  // Last: adds trades that would change the figures above.
  it('pages ten trades at a time and the Next button shows the rest', async () => {
    const doge: PositionInstrument = {
      category: 'linear',
      symbol: 'DOGEUSDT',
      baseCoin: 'DOGE',
      quoteCoin: 'USDT',
    };
    for (let i = 0; i < 8; i++) {
      const t = MON + 7 * 60 * MIN + i * 2 * MIN;
      const base = {
        category: 'linear',
        symbol: 'DOGEUSDT',
        fee: dec('0'),
        feeCurrency: 'USDT',
        execType: 'Trade',
      };
      await storeFill(
        h.db,
        { ...base, execId: `d${i}o`, side: 'Buy', qty: dec('100'), price: dec('0.1'), execTime: t },
        doge,
      );
      await storeFill(
        h.db,
        { ...base, execId: `d${i}c`, side: 'Sell', qty: dec('100'), price: dec('0.11'), execTime: t + MIN },
        doge,
      );
    }
    const first = await ask('/trades 12');
    expect(first).toContain('Last 12 closed trades');
    expect(lines(first).filter((l) => l.includes('DOGEUSDT long 100  0.1 → 0.11  +1.00'))).toHaveLength(8);
    expect(first).toContain('page 1/2');
    const next = /\[Next ▶: type (pg:2:trades 12)\]/.exec(first)?.[1];
    expect(next).toBe('pg:2:trades 12');
    const second = await press(next ?? '');
    expect(lines(second).slice(1, 3)).toEqual([
      '01-01 16:00  ETHUSDT short 3  1,000 → 900  +298.52',
      '01-01 15:00  ETHUSDT long 3  1,100 → 1,066.6667  -105.22',
    ]);
    expect(second).toContain('page 2/2');
  });
});
