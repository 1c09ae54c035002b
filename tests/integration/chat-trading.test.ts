// Mutating chat commands against the real trading services (engine + Bybit simulator + Postgres):
// trades and denials, the kill switch behind a confirmation bound to its asker, resume after a kill
// for admins only, confirmations that expire, risk overrides and strategy pausing.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import type { ChatResult } from '../../src/chat/core/gateway.js';
import type { Reply } from '../../src/chat/core/reply.js';
import { blockPlain } from '../../src/chat/core/text-table.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { getTradingState } from '../../src/db/repos/trading-state.js';
import { openPositions } from '../../src/db/repos/views.js';
import { strategyInstances } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

let t: TestEngine;
let gw: Gateway;
const clock = new ManualClock(Date.now());

const plain = (r: Reply | undefined): string =>
  r
    ? [
        r.title ?? '',
        ...r.blocks.map(blockPlain),
        ...(r.buttons ?? []).flat().map((b) => `[${b.label}]`),
      ].join('\n')
    : '';

function say(userId: string, text: string): Promise<ChatResult> {
  return gw.core.handle({ platform: 'telegram', userId, chatId: '-500', scope: '-500', text });
}

function press(userId: string, data: string): Promise<ChatResult> {
  return gw.core.handle({ platform: 'telegram', userId, chatId: '-500', scope: '-500', callback: data });
}

function confirmCode(r: ChatResult): string {
  const data = r.replies[0]?.buttons?.flat().find((b) => b.label === 'Confirm')?.data ?? '';
  return /^cf:(\d{6}):y$/.exec(data)?.[1] ?? '';
}

beforeAll(async () => {
  t = await startTestEngine();
  t.sim.market.setPrice('BTCUSDT', '50000');
  for (const [id, role] of [
    ['12', 'trader'],
    ['13', 'approver'],
    ['14', 'admin'],
  ] as const) {
    await upsertChatUser(t.db.db, { platform: 'telegram', userId: id, role });
  }
  await t.db.db
    .insert(strategyInstances)
    .values({ id: 'btc-sma', strategy: 'sma-cross', symbol: 'BTCUSDT', category: 'linear', interval: '1' });
  gw = buildGateway({
    db: t.db.db,
    clock,
    config: t.deps.config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: clock.now() },
    services: createTradingServices(t.deps),
  });
});

beforeEach(() => clock.advance(60_000));

afterAll(async () => {
  await t?.close();
});

describe('trading from chat', () => {
  it('a trader buys; the fill becomes a position; an oversized order is denied with the reason', async () => {
    const r = await say('12', '/buy btc 0.01');
    expect(r.replies[0]?.title).toBe('Accepted: BUY 0.01 BTCUSDT');
    await vi.waitFor(async () => expect((await openPositions(t.db.db))[0]?.size.toFixed()).toBe('0.01'), {
      timeout: 5000,
    });
    expect(plain((await say('12', '/positions')).replies[0])).toMatch(/BTCUSDT +0\.01 +50,/);
    const big = await say('12', '/buy BTCUSDT 1');
    expect(big.replies[0]?.title).toBe('Denied: BUY 1 BTCUSDT');
    expect(plain(big.replies[0])).toMatch(/25,?000/);
  });

  it('the kill switch needs a confirmation only its asker can give, then halts and flattens', async () => {
    const prompt = await say('12', '/kill feed looks wrong');
    expect(prompt.replies[0]?.title).toBe('Confirm');
    const code = confirmCode(prompt);
    expect(code).toMatch(/^\d{6}$/);
    expect((await getTradingState(t.db.db)).state).toBe('ACTIVE');

    const stranger = await press('13', `cf:${code}:y`);
    expect(plain(stranger.replies[0])).toMatch(/Only the person who asked/);
    expect((await getTradingState(t.db.db)).state).toBe('ACTIVE');

    const done = await say('12', `/confirm ${code}`);
    expect(done.replies[0]?.title).toBe('KILL SWITCH: trading HALTED');
    expect(plain(done.replies[0])).toMatch(/Closing +BTCUSDT/);
    expect(plain(done.replies[0])).toMatch(/Reason +feed looks wrong/);
    expect((await getTradingState(t.db.db)).state).toBe('HALTED');
    await vi.waitFor(async () => expect(await openPositions(t.db.db)).toHaveLength(0), { timeout: 5000 });
    expect((await say('12', '/status')).replies[0]?.title).toMatch(/^Status: HALTED/);
    // A confirmation is single-use.
    expect(plain((await say('12', `/confirm ${code}`)).replies[0])).toMatch(/No such confirmation/);
  });

  it('only an admin can resume trading after a kill', async () => {
    const trader = await say('12', '/resume');
    expect(trader.replies[0]?.tone).toBe('denied');
    expect(plain(trader.replies[0])).toMatch(/only an admin may resume/);
    expect((await getTradingState(t.db.db)).state).toBe('HALTED');
    const admin = await say('14', '/resume');
    expect(admin.replies[0]?.title).toBe('Trading resumed');
    expect((await getTradingState(t.db.db)).state).toBe('ACTIVE');
  });

  it('a confirmation expires after 30 seconds; a fresh one closes everything', async () => {
    expect((await say('12', '/buy BTCUSDT 0.002')).replies[0]?.title).toMatch(/^Accepted/);
    await vi.waitFor(async () => expect(await openPositions(t.db.db)).toHaveLength(1), { timeout: 5000 });
    const first = await say('12', '/close all');
    clock.advance(31_000);
    const late = await press('12', `cf:${confirmCode(first)}:y`);
    expect(plain(late.replies[0])).toMatch(/expired/);
    expect(late.replies[0]?.edit).toBe('origin');
    expect(await openPositions(t.db.db)).toHaveLength(1);
    const second = await say('12', '/close all');
    const closed = await press('12', `cf:${confirmCode(second)}:y`);
    expect(closed.replies[0]?.title).toBe('Accepted: close position');
    expect(closed.replies[0]?.edit).toBe('origin');
    await vi.waitFor(async () => expect(await openPositions(t.db.db)).toHaveLength(0), { timeout: 5000 });
  });

  it('/close all with nothing open says so at once instead of asking to confirm', async () => {
    expect(await openPositions(t.db.db)).toHaveLength(0);
    const r = await say('12', '/close all');
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]?.title).toBe('Nothing to close');
    expect(r.replies[0]?.buttons ?? []).toHaveLength(0);
  });

  it('risk limits: anyone sees them, only an admin changes one, and the override shows', async () => {
    expect((await say('12', '/risk set maxLeverage 2')).replies[0]?.tone).toBe('denied');
    const set = plain((await say('14', '/risk set maxleverage 2')).replies[0]);
    expect(set).toMatch(/maxLeverage +3 → 2/);
    expect(plain((await say('12', '/risk')).replies[0])).toMatch(/maxLeverage +2 \*/);
    expect(plain((await say('14', '/risk set maxLevrage 2')).replies[0])).toMatch(/Did you mean maxLeverage/);
  });

  it('pauses and resumes a strategy by id', async () => {
    expect(plain((await say('12', '/pause btc-sma')).replies[0])).toMatch(/Paused 1/);
    expect(plain((await say('12', '/strategies')).replies[0])).toMatch(/btc-sma .* paused/);
    expect(plain((await say('12', '/resume btc-sma')).replies[0])).toMatch(/Resumed 1/);
    expect(plain((await say('12', '/pause nope')).replies[0])).toMatch(/No running strategy "nope"/);
  });
});
