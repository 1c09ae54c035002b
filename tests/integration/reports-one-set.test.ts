// One set of numbers (issue 21, item 7): on one stored history — two closed ETHUSDT perp trades, a third
// still open after a partial close, funding paid, a balance synced after the last equity snapshot — the
// figures /pnl, /trades, /performance, /status and /balance print must agree: /pnl's net is /trades'
// closed trades plus the open position's fees and partial close plus funding, /performance's total is
// /pnl's, and /status's equity is /balance's. Everything is read from the rendered chat replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { renderPlain } from '../../src/chat/console/render.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { updateMarks } from '../../src/db/repos/positions.js';
import { balances, equitySnapshots } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import { parseConfig } from '../../src/platform/config.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { storeReportFill } from '../helpers/store-fill.js';

const H = 3_600_000;
const DAY0 = Date.UTC(2026, 2, 2); // the bot's first day
const NOW = DAY0 + 2 * 24 * H + 20 * H;
const ETH: PositionInstrument = { category: 'linear', symbol: 'ETHUSDT', baseCoin: 'ETH', quoteCoin: 'USDT' };

const clock = new ManualClock(NOW);
let h: TestDb;
let gw: Gateway;

async function ask(text: string): Promise<string> {
  clock.advance(1000);
  const r = await gw.core.handle({ platform: 'telegram', userId: '7', chatId: '7', scope: '7', text });
  return r.replies.map((x) => renderPlain(x, 0, true).text).join('\n');
}

/** The signed amount after `label` (e.g. "closed trades +1.00"), as a Decimal; fails the test if absent. */
function figure(out: string, re: RegExp): Decimal {
  const m = re.exec(out);
  expect(m, `${re} in:\n${out}`).not.toBeNull();
  return dec((m?.[1] ?? 'NaN').replace(/,/g, ''));
}

const N = '([-+]?[\\d,]+\\.\\d\\d)';

beforeAll(async () => {
  h = await freshPgDb();
  await upsertChatUser(h.db, { platform: 'telegram', userId: '7', role: 'viewer' });
  const fill = (execId: string, side: 'Buy' | 'Sell', qty: string, price: string, fee: string, t: number) =>
    storeReportFill(
      h.db,
      {
        execId,
        category: 'linear',
        symbol: 'ETHUSDT',
        side,
        qty: dec(qty),
        price: dec(price),
        fee: dec(fee),
        feeCurrency: 'USDT',
        execType: 'Trade',
        execTime: t,
      },
      ETH,
      'eth-sma',
    );
  const day2 = DAY0 + 2 * 24 * H;
  // Trade 1, long: +10 − 1.21 fees = +8.79. Trade 2, short: −10 − 2.45 = −12.45 (on the first day).
  await fill('a1', 'Buy', '1', '1000', '0.60', DAY0 + 1 * H);
  await fill('a2', 'Sell', '1', '1010', '0.61', day2 + 2 * H);
  await fill('b1', 'Sell', '2', '1020', '1.22', day2 + 3 * H);
  await fill('b2', 'Buy', '2', '1025', '1.23', day2 + 4 * H);
  // Still open: long 3 @ 1000 (fee 1.80), 1 sold @ 1030 (+30, fee 0.62) → long 2, marked 1040 (+80).
  await fill('c1', 'Buy', '3', '1000', '1.80', day2 + 5 * H);
  await fill('c2', 'Sell', '1', '1030', '0.62', day2 + 6 * H);
  await storeReportFill(
    h.db,
    {
      execId: 'f1',
      category: 'linear',
      symbol: 'ETHUSDT',
      side: 'Sell',
      qty: dec('0'),
      price: dec('0'),
      fee: dec('0.50'),
      feeCurrency: 'USDT',
      execType: 'Funding',
      execTime: day2 + 8 * H,
    },
    ETH,
  );
  await updateMarks(h.db, new Map([['ETHUSDT', dec('1040')]]));
  // The snapshot is from 19:00; the venue balance was synced after it and is what the account holds.
  await h.db.insert(equitySnapshots).values({
    ts: day2 + 19 * H,
    equity: dec('10100.00'),
    unrealizedPnl: dec('76'),
    realizedPnl: dec('0'),
  });
  await h.db.insert(balances).values({
    coin: 'USDT',
    walletBalance: dec('10023.4212345678901234567890123456789'),
    available: dec('8000'),
    equity: dec('10103.4212345678901234567890123456789'),
    updatedAt: new Date(day2 + 19 * H + 30 * 60_000),
  });
  gw = buildGateway({
    db: h.db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'bosun test', startedAt: NOW - H },
    health: [],
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('one set of numbers', () => {
  it('/pnl net = /trades closed + open position + funding; /performance total = /pnl total', async () => {
    const pnl = await ask('/pnl');
    const trades = await ask('/trades');
    const perf = await ask('/performance');
    // realized 10 − 10 + 30 = 30; fees 6.08; funding −0.50 → net 23.42.
    const pnlNet = figure(pnl, new RegExp(`Total net ${N} USDT = realized`));
    expect(pnlNet.toFixed(2)).toBe('23.42');
    // The closed trades /trades sums: 8.79 − 12.45 = −3.66.
    const tradesNet = figure(trades, new RegExp(`Net ${N} USDT over these trades`));
    expect(tradesNet.toFixed(2)).toBe('-3.66');
    const closed = figure(pnl, new RegExp(`closed trades ${N} \\(as /trades\\)`));
    const open = figure(pnl, new RegExp(`open positions ${N} \\(fees, partial closes\\)`));
    const funding = figure(pnl, new RegExp(`funding ${N}`));
    expect(closed.eq(tradesNet)).toBe(true);
    // The open trade so far: +30 partial close − 1.80 − 0.62 fees = +27.58.
    expect(open.toFixed(2)).toBe('27.58');
    expect(closed.plus(open).plus(funding).eq(pnlNet)).toBe(true);
    expect(pnl).not.toContain('spot FIFO');
    // /performance: the same total and the same split; its expectancy is over the same closed trades.
    expect(figure(perf, new RegExp(`Total net ${N} USDT`)).eq(pnlNet)).toBe(true);
    expect(figure(perf, new RegExp(`closed trades ${N}`)).eq(tradesNet)).toBe(true);
    // ETHUSDT: net +23.42 over 2 trades; expectancy −3.66 / 2 = −1.83, the closed trades' mean.
    expect(perf).toMatch(/^ETHUSDT +\+23\.42 +2 +50% +0\.71 +-1\.83$/m);
    const exp = figure(perf, new RegExp(`^ETHUSDT .* ${N}$`, 'm'));
    expect(exp.mul(2).eq(tradesNet)).toBe(true);
  });

  it('/pnl starts on the first day; today in /status is the last /pnl row', async () => {
    const pnl = await ask('/pnl');
    expect(pnl).toContain('PnL by day, 2026-03-02 → 2026-03-04');
    expect(pnl).not.toContain('03-01');
    // 03-04: realized 30, fees 5.48, funding −0.50 → net +24.02; the first day holds a1's fee only.
    expect(pnl).toMatch(/^03-04 +\+30\.00 +5\.48 +-0\.50 +\+24\.02 +2 +50%$/m);
    expect(pnl).toMatch(/^03-02 +0\.00 +0\.60 +0\.00 +-0\.60 +0 +—$/m);
    const today = figure(pnl, /^03-04 +\S+ +\S+ +\S+ +([-+][\d,]+\.\d\d)/m);
    const status = await ask('/status');
    expect(figure(status, new RegExp(`Today +${N} net`)).eq(today)).toBe(true);
  });

  it('/status equity is /balance equity, each rounded to the cent', async () => {
    const status = await ask('/status');
    const balance = await ask('/balance');
    const statusEq = figure(status, new RegExp(`Equity +${N} USDT \\(/balance 19:30\\)`));
    const balEq = figure(balance, new RegExp(`^USDT +\\S+ +\\S+ +${N}$`, 'm'));
    expect(statusEq.toFixed(2)).toBe('10103.42');
    expect(statusEq.eq(balEq)).toBe(true);
    expect(balance).toMatch(/^USDT +10,023\.42 +8,000\.00 +10,103\.42$/m);
    expect(status + balance).not.toMatch(/\d{9,}/);
  });
});
