// The chat core against a real Postgres: read-only commands on seeded data, roles and scopes, refusal
// of strangers and sender-less updates, pagination by button, usage help, flood control and the audit
// trail. No trading engine here: mutating commands say so (see chat-trading.test.ts for those).
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import type { ChatResult } from '../../src/chat/core/gateway.js';
import type { Reply } from '../../src/chat/core/reply.js';
import { blockPlain, PHONE_WIDTH } from '../../src/chat/core/text-table.js';
import { verifyAudit } from '../../src/audit/chain.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import {
  approvals,
  auditLog,
  balances,
  equitySnapshots,
  fills,
  intents,
  positions,
  strategyInstances,
} from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { dec } from '../../src/domain/decimal.js';
import { parseConfig } from '../../src/platform/config.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { setLogger } from '../../src/platform/logger.js';

const NOW = Date.UTC(2024, 2, 15, 12, 0, 0);
const DAY = 86_400_000;
const clock = new ManualClock(NOW);
let h: TestDb;
let gw: Gateway;

const plain = (r: Reply | undefined): string =>
  r
    ? [
        r.title ?? '',
        ...r.blocks.map(blockPlain),
        ...(r.buttons ?? []).flat().map((b) => `[${b.label}]`),
      ].join('\n')
    : '';

async function say(userId: string | undefined, text: string, chatId = userId ?? '1'): Promise<ChatResult> {
  return gw.core.handle({
    platform: 'telegram',
    userId,
    userName: userId ? `u${userId}` : undefined,
    chatId,
    scope: chatId,
    text,
  });
}

async function press(userId: string, data: string, chatId = userId): Promise<ChatResult> {
  return gw.core.handle({ platform: 'telegram', userId, chatId, scope: chatId, callback: data });
}

beforeAll(async () => {
  // The database-gone test logs an error on purpose.
  setLogger(pino({ level: 'silent' }));
  h = await freshPgDb();
  const db = h.db;
  for (const [id, role] of [
    ['11', 'viewer'],
    ['12', 'trader'],
    ['13', 'approver'],
    ['14', 'admin'],
  ] as const) {
    await upsertChatUser(db, { platform: 'telegram', userId: id, role });
  }
  await upsertChatUser(db, { platform: 'telegram', userId: '15', role: 'viewer', scope: '-100' });
  // 25 positions: enough for three pages.
  await db.insert(positions).values(
    Array.from({ length: 25 }, (_, i) => ({
      category: 'linear',
      symbol: `C${String(i).padStart(2, '0')}USDT`,
      size: dec(i % 2 ? '-0.5' : '1.25'),
      avgEntry: dec('100'),
      markPrice: dec('110'),
      realizedPnl: dec(String(i)),
      fees: dec('0.5'),
      funding: dec('0'),
    })),
  );
  await db.insert(balances).values([
    { coin: 'USDT', walletBalance: dec('10000'), available: dec('8000.5'), equity: dec('10250.75') },
    {
      coin: 'BTC',
      walletBalance: dec('0.00012345'),
      available: dec('0.00012345'),
      equity: dec('0.00012345'),
    },
  ]);
  // Equity at the end of each of the last 10 days, +100 a day; today so far +50.
  const snaps = Array.from({ length: 10 }, (_, i) => ({
    ts: NOW - (10 - i) * DAY - 12 * 3600_000 + DAY - 1000,
    equity: dec(String(10000 + i * 100)),
    unrealizedPnl: dec('0'),
    realizedPnl: dec('0'),
  }));
  snaps.push({ ts: NOW - 60_000, equity: dec('10950'), unrealizedPnl: dec('0'), realizedPnl: dec('0') });
  await db.insert(equitySnapshots).values(snaps);
  await db.insert(fills).values(
    Array.from({ length: 5 }, (_, i) => ({
      execId: `e${i}`,
      category: 'linear',
      symbol: 'BTCUSDT',
      side: i % 2 ? 'Sell' : 'Buy',
      qty: dec('0.01'),
      price: dec(String(50000 + i)),
      fee: dec('0.275'),
      feeCurrency: 'USDT',
      execTime: NOW - (5 - i) * 60_000,
    })),
  );
  await db.insert(strategyInstances).values([
    { id: 'btc-sma', strategy: 'sma-cross', symbol: 'BTCUSDT', category: 'linear', interval: '1' },
    {
      id: 'eth-rsi',
      strategy: 'rsi-reversion',
      symbol: 'ETHUSDT',
      category: 'linear',
      interval: '5',
      paused: true,
    },
  ]);
  const [intent] = await db
    .insert(intents)
    .values({
      ref: 'r1',
      source: 'strategy',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      qty: dec('0.5'),
      status: 'awaiting-approval',
    })
    .returning();
  await db
    .insert(approvals)
    .values({ intentId: intent?.id ?? 0, requiredVotes: 2, expiresAt: new Date(NOW + DAY) });
  gw = buildGateway({
    db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'bosun 0.1.0', startedAt: NOW - 3600_000 },
    health: [
      { name: 'queue', probe: async () => ({ ok: true, detail: 'redis 7.0' }) },
      { name: 'exchange', probe: () => new Promise(() => {}) },
    ],
  });
});

// Each test starts with full rate-limit buckets (they refill with time).
beforeEach(() => clock.advance(60_000));

afterAll(async () => {
  await h?.close();
});

describe('who may talk to the bot', () => {
  it('answers a stranger once with a refusal that carries no data, then stays silent; both are audited', async () => {
    const first = await say('999', '/status');
    const second = await say('999', '/positions');
    expect(first.replies).toHaveLength(1);
    expect(plain(first.replies[0])).toMatch(
      /Not authorised[\s\S]*bosun users add --platform telegram --id 999/,
    );
    expect(plain(first.replies[0])).not.toMatch(/equity|USDT|position/i);
    expect(second.replies).toHaveLength(0);
    const rows = await h.db.select().from(auditLog).where(eq(auditLog.actor, 'telegram:999'));
    expect(rows.map((r) => r.outcome)).toEqual(['denied', 'denied']);
  });

  it('rejects an update without a sender and audits it', async () => {
    const r = await say(undefined, '/status', '-100777');
    expect(r.replies).toHaveLength(0);
    const [row] = await h.db.select().from(auditLog).where(eq(auditLog.chatId, '-100777'));
    expect(row?.outcome).toBe('rejected');
  });

  it('honours a grant scoped to one chat only in that chat', async () => {
    expect((await say('15', '/whoami', '-100')).replies[0]?.title).toBe('You');
    expect(plain((await say('15', '/whoami', '-200')).replies[0])).toMatch(/Not authorised/);
  });

  it('checks the role per command and shows each role only its commands', async () => {
    const denied = await say('11', '/buy BTCUSDT 0.01');
    expect(plain(denied.replies[0])).toMatch(/\/buy needs the trader role; you are viewer/);
    const viewerHelp = plain((await say('11', '/help')).replies[0]);
    const adminHelp = plain((await say('14', '/help')).replies[0]);
    expect(viewerHelp).toContain('/status');
    expect(viewerHelp).not.toContain('/kill');
    expect(adminHelp).toContain('/users');
    expect(adminHelp).toContain('/kill');
  });
});

describe('read-only commands', () => {
  it('/status shows mode, equity, today, counts and probe health (a hung probe shows as failed)', async () => {
    const t0 = Date.now();
    const r = (await say('11', '/status')).replies[0];
    const text = plain(r);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(text).toMatch(/Mode +paper \(sim\)/);
    // The synced USDT balance's equity, the figure /balance shows (the last snapshot said 10,950.00).
    expect(text).toMatch(/Equity +10,250\.75 USDT \(\/balance \d\d:\d\d\)/);
    // Today, from the fills: e0/e1 and e2/e3 are two closed longs, (50001 − 50000) × 0.01 + (50003 − 50002)
    // × 0.01 = 0.02 realized; fees 5 × 0.275 = 1.375 → net −1.355 → -1.36 (half-even). Open: 13 longs
    // 1.25 × (110 − 100) = 162.5 and 12 shorts −0.5 × 10 = −60 → +102.50.
    expect(text).toMatch(/Today +-1\.36 net, \+102\.50 unrealized/);
    expect(text).toMatch(/Positions +25/);
    expect(text).toMatch(/Approvals +1 pending/);
    expect(text).toMatch(/Strategies +1 running \/ 2/);
    expect(text).toMatch(/queue +✓ redis 7\.0/);
    expect(text).toMatch(/exchange +✗ no answer/);
  });

  it('/positions pages by ten and the Next button edits the same message to page two', async () => {
    const r = (await say('11', '/positions')).replies[0];
    const text = plain(r);
    expect(r?.title).toBe('Positions (25)');
    expect(text).toContain('C00USDT');
    expect(text).not.toContain('C10USDT');
    for (const block of r?.blocks ?? []) {
      if (block.kind === 'table')
        for (const l of blockPlain(block).split('\n')) expect([...l].length).toBeLessThanOrEqual(PHONE_WIDTH);
    }
    const next = r?.buttons?.flat().find((b) => b.label.startsWith('Next'));
    expect(next?.data).toBe('pg:2:positions');
    const page2 = (await press('11', next?.data ?? '')).replies[0];
    expect(page2?.edit).toBe('origin');
    expect(plain(page2)).toContain('C10USDT');
    expect(plain(page2)).toContain('page 2/3');
  });

  it('/balance keeps coin precision, /trades and /performance and /strategies read the database', async () => {
    const bal = plain((await say('11', '/balance')).replies[0]);
    expect(bal).toMatch(/USDT +10,000\.00 +8,000\.50 +10,250\.75/);
    expect(bal).toContain('0.00012345');
    // Closed round trips, newest first: only two have closed (e4 still holds a long). Each nets
    // 0.01 × 1 − 2 × 0.275 = −0.54.
    const trades = plain((await say('11', '/trades 3')).replies[0]);
    expect(trades).toContain('Last 2 closed trades');
    expect(trades).toMatch(
      /03-15 11:58 +BTCUSDT long 0\.01 +50,002 → 50,003 +-0\.54\n03-15 11:56 +BTCUSDT long 0\.01/,
    );
    expect(plain((await say('11', '/fills 1')).replies[0])).toMatch(/Last 1 closed trade\n.*50,002 → 50,003/);
    // Net −1.36 (as today's above), 2 trades, none won: profit factor 0 / 1.08 = 0, expectancy −0.54.
    const perf = plain((await say('11', '/performance')).replies[0]);
    expect(perf).toMatch(/BTCUSDT +-1\.36 +2 +0% +0\.00 +-0\.54/);
    const strats = plain((await say('11', '/strategies')).replies[0]);
    expect(strats).toMatch(/btc-sma +sma-cross +BTCUSDT 1 +running/);
    expect(strats).toMatch(/eth-rsi .* paused/);
  });

  it('/pnl shows one row per day, newest first, from the fills', async () => {
    const r = plain((await say('11', '/pnl 3')).replies[0]);
    expect(r).toContain('PnL by day, 2024-03-13 → 2024-03-15');
    // Realized 0.02, fees 1.375, no funding, net −1.355; two trades, neither won. Quiet days are zero.
    expect(r).toMatch(
      /03-15 +\+0\.02 +1\.38 +0\.00 +-1\.36 +2 +0%\n03-14 +0\.00 +0\.00 +0\.00 +0\.00 +0 +—\n03-13 /,
    );
    expect(r).not.toContain('03-12');
    expect(plain((await say('11', '/pnl fortnight')).replies[0])).toMatch(/not day, week, month or a number/);
  });

  it('/pending lists the approval with vote buttons for approvers only', async () => {
    const forViewer = (await say('11', '/pending')).replies[0];
    const forApprover = (await say('13', '/pending')).replies[0];
    expect(plain(forViewer)).toMatch(/Buy 0\.5 BTCUSDT +0\/2/);
    expect(forViewer?.buttons?.flat()).toHaveLength(0);
    expect(forApprover?.buttons?.flat().map((b) => b.data)).toEqual([
      expect.stringMatching(/^ap:\d+:a$/),
      expect.stringMatching(/^ap:\d+:r$/),
    ]);
  });
});

describe('mistakes and floods', () => {
  it('answers bad arguments with the exact usage and an example, and typos with the nearest command', async () => {
    const usage = plain((await say('12', '/buy BTCUSDT')).replies[0]);
    expect(usage).toContain('Usage: /buy');
    expect(usage).toContain('/buy <symbol> <qty|$notional> [limit price]');
    expect(usage).toContain('Example: /buy BTCUSDT 0.01');
    expect(plain((await say('12', '/sttaus')).replies[0])).toContain('Did you mean /status?');
    // Two letters swapped is one slip, nearer than /start (help's alias) two edits away.
    expect(plain((await say('12', '/stauts')).replies[0])).toContain('Did you mean /status?');
  });

  it('a flood from one user gets one "slow down" and is dropped, while another user is still served', async () => {
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await say('12', '/whoami'));
    const titles = results.map((r) => r.replies[0]?.title);
    expect(titles.filter((t) => t === 'You')).toHaveLength(8);
    expect(titles.filter((t) => t === 'Slow down')).toHaveLength(1);
    expect(titles.filter((t) => t === undefined)).toHaveLength(11);
    expect((await say('13', '/whoami')).replies[0]?.title).toBe('You');
    clock.advance(60_000);
    expect((await say('12', '/whoami')).replies[0]?.title).toBe('You');
  });

  it('/users guards the last admin', async () => {
    const r = plain((await say('14', '/users remove telegram 14')).replies[0]);
    expect(r).toMatch(/last admin/);
    expect(plain((await say('14', '/users add telegram 16 viewer')).replies[0])).toMatch(
      /telegram:16 is viewer/,
    );
    expect(plain((await say('14', '/users')).replies[0])).toMatch(/telegram +16 +viewer/);
  });

  it('survives 300 random lines end to end, each answered by a result or an explanation', async () => {
    const lines = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc
          .tuple(
            fc.constantFrom('/status', '/pnl', '/trades', '/positions', '/help', '/risk', '/buy', '/users'),
            fc.string({ maxLength: 12 }),
          )
          .map(([a, b]) => `${a} ${b}`),
      ),
      { numRuns: 300, seed: 7 },
    );
    for (const line of lines) {
      clock.advance(5_000);
      const r = await say('14', line);
      for (const reply of r.replies) {
        expect(reply.title).toBeTruthy();
        expect(reply.title).not.toBe('Something went wrong');
      }
    }
  });

  it('answers "unavailable" instead of failing silently when the database is gone', async () => {
    const gone = await freshPgDb();
    const g2 = buildGateway({
      db: gone.db,
      clock,
      config: parseConfig({}),
      info: { mode: 'paper', exchangeEnv: 'sim', version: 't', startedAt: 0 },
    });
    await gone.close();
    const r = await g2.core.handle({
      platform: 'telegram',
      userId: '14',
      chatId: '14',
      scope: '14',
      text: '/status',
    });
    expect(r.replies[0]?.title).toBe('Unavailable');
  });

  it('leaves an intact audit hash chain with every command in it', async () => {
    const v = await verifyAudit(h.db);
    expect(v.ok).toBe(true);
    expect(v.rows).toBeGreaterThan(300);
  });
});
