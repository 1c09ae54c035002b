// What the Slack adapter suites (HTTP and Socket Mode) run against: the engine on the simulator with
// manual approvals, BTCUSDT at 50,000, Slack users by role and the chat gateway built on them.
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { upsertChatUser, type UserRole } from '../../src/db/repos/chat-users.js';
import { systemClock } from '../../src/domain/clock.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from './engine.js';

export async function startSlackEngine(
  users: readonly { userId: string; role: UserRole; scope?: string }[],
): Promise<{ t: TestEngine; gw: Gateway }> {
  const t = await startTestEngine({ config: { approvals: { mode: 'manual', quorum: 1 } } });
  t.sim.market.setPrice('BTCUSDT', '50000');
  for (const u of users) await upsertChatUser(t.db.db, { platform: 'slack', ...u });
  const gw = buildGateway({
    db: t.db.db,
    clock: systemClock,
    config: t.deps.config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: Date.now() },
    services: createTradingServices(t.deps),
    chats: { slack: 'CALERTS' },
  });
  return { t, gw };
}

/** The text of a Block Kit message's header block ('' without one). */
export function headerOf(blocks: unknown[]): string {
  const h = blocks.find(
    (b): b is { type: string; text: { text: string } } => (b as { type?: string }).type === 'header',
  );
  return h?.text.text ?? '';
}
