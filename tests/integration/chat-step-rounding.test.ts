// Sizes rounded to the instrument's step say so (issue 21, item 8): /buy 0.0105 BTCUSDT on the simulator
// (linear BTCUSDT: qtyStep 0.001) is accepted as 0.010 and the reply names both sizes and the step; a
// notional says what quantity it became; a size already on the step says nothing extra.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { blockPlain } from '../../src/chat/core/text-table.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { openPositions } from '../../src/db/repos/views.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

let t: TestEngine;
let gw: Gateway;
const clock = new ManualClock(Date.now());

async function say(text: string): Promise<string> {
  clock.advance(60_000);
  const r = await gw.core.handle({ platform: 'telegram', userId: '12', chatId: '12', scope: '12', text });
  return r.replies.map((x) => [x.title ?? '', ...x.blocks.map(blockPlain)].join('\n')).join('\n');
}

beforeAll(async () => {
  t = await startTestEngine();
  t.sim.market.setPrice('BTCUSDT', '50000');
  await upsertChatUser(t.db.db, { platform: 'telegram', userId: '12', role: 'trader' });
  gw = buildGateway({
    db: t.db.db,
    clock,
    config: t.deps.config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: clock.now() },
    services: createTradingServices(t.deps),
  });
});

afterAll(async () => {
  await t?.close();
});

describe('quantities on the instrument step', () => {
  it('says what a size was rounded to and by which step', async () => {
    const out = await say('/buy BTCUSDT 0.0105');
    expect(out).toContain('Accepted: BUY 0.0105 BTCUSDT');
    expect(out).toContain('Quantity 0.0105 → 0.010 (step 0.001)');
    await vi.waitFor(async () => expect((await openPositions(t.db.db))[0]?.size.toFixed()).toBe('0.01'), {
      timeout: 5000,
    });
    const exact = await say('/buy BTCUSDT 0.002');
    expect(exact).toContain('Accepted: BUY 0.002 BTCUSDT');
    expect(exact).not.toContain('step');
    // $120 at 50,000 = 0.0024 → 0.002.
    const notional = await say('/buy BTCUSDT $120');
    expect(notional).toContain('$120.00 → 0.002 BTC (step 0.001)');
  });
});
