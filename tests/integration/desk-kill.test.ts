// Issue 21, item 6, on the desk: /kill withdraws the approvals still waiting (their cards are told, a late
// /approve says so instead of trading), flattens every book and halts; /status then says halted, not
// "2 running".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/chat/core/reply.js';
import { startChatGateway, type ChatGateway } from '../../src/cli/chat-gateway.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { getApproval } from '../../src/db/repos/approvals.js';
import { dec } from '../../src/domain/decimal.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { say, venueNet } from '../helpers/desk.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

function words(r: Reply | undefined): string {
  if (!r) return '';
  return [r.title, ...r.blocks.map((b) => JSON.stringify(b))].join(' ');
}

describe('/kill on the desk', () => {
  const prefix = testPrefix('deskkill');
  const notifier = new MemoryNotifier();
  let db: TestDb;
  let sim: SimHandle;
  let rt: Runtime;
  let chat: ChatGateway;

  beforeAll(async () => {
    [db, sim] = await Promise.all([freshPgDb(), startSim({ port: 0, speed: 0, seed: 4 })]);
    sim.market.setPrice('BTCUSDT', '50000');
    const config = parseConfig({
      strategies: [
        { id: 'btc-sma', strategy: 'sma-cross', symbol: 'BTCUSDT', interval: '1' },
        { id: 'eth-sma', strategy: 'sma-cross', symbol: 'ETHUSDT', interval: '1' },
      ],
      // Small orders go straight out; anything from $1,000 waits for a person.
      approvals: { mode: 'threshold', autoBelowNotional: '1000', ttlSeconds: 600 },
    });
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      LOG_LEVEL: 'silent',
    });
    rt = await startRuntime({ env, config, role: 'all', prefix, notifier });
    chat = await startChatGateway(rt, env, config, { prefix: `${prefix}-chat`, alertWorker: false });
  }, 90_000);

  afterAll(async () => {
    await rt?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    await dropPrefix(prefix);
    await dropPrefix(`${prefix}-chat`);
  }, 30_000);

  it('withdraws the waiting approval, flattens, halts, and /status says halted', async () => {
    const actor = { platform: 'console' as const, userId: 'local' };
    const small = await rt.services.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor });
    expect(small.kind).toBe('submitted');
    const big = await rt.services.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.05'), actor });
    expect(big.kind).toBe('awaiting-approval');
    if (big.kind !== 'awaiting-approval') return;
    for (let i = 0; i < 50 && (await venueNet(rt.exchange.exchange)) !== '0.01'; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect(await venueNet(rt.exchange.exchange)).toBe('0.01');

    const killed = await rt.services.kill(actor, 'test');
    expect(killed.closingPositions).toEqual(['BTCUSDT']);
    for (let i = 0; i < 50 && (await venueNet(rt.exchange.exchange)) !== '0'; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect(await venueNet(rt.exchange.exchange)).toBe('0');

    // The waiting approval is decided with the kill, and its card is told so.
    expect((await getApproval(db.db, big.approvalId))?.status).toBe('expired');
    expect(notifier.sent).toContainEqual(
      expect.objectContaining({ kind: 'approval-decided', approvalId: big.approvalId, outcome: 'expired' }),
    );
    // Approving it afterwards trades nothing and says why.
    const late = await rt.services.vote(big.approvalId, { platform: 'telegram', userId: '42' }, 'approve');
    expect(late).toMatchObject({ kind: 'ignored', reason: 'this approval is already expired' });
    expect(await venueNet(rt.exchange.exchange)).toBe('0');

    const status = words(await say(chat, '/status'));
    expect(status).toMatch(/HALTED/);
    expect(status).toMatch(/halted \(2 of 2 resume with \/resume\)/);
    expect(status).not.toMatch(/2 running/);
  }, 60_000);
});
