// Flood control across gateway processes: one user's burst spread over two gateways (a load balancer
// alternating between them) empties one bucket in Redis; other users are unaffected; with Redis gone
// the limit fails open (messages pass, a warning is logged) instead of locking operators out.
import { once } from 'node:events';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import type { ChatResult } from '../../src/chat/core/gateway.js';
import { RateLimiter } from '../../src/chat/core/rate-limit.js';
import { RedisRateLimiter } from '../../src/chat/core/shared-rate-limit.js';
import { blockPlain } from '../../src/chat/core/text-table.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { ManualClock } from '../../src/domain/clock.js';
import { parseConfig } from '../../src/platform/config.js';
import { setLogger } from '../../src/platform/logger.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { startPrivateRedis } from '../helpers/redis-server.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

const prefix = testPrefix('chat-rate');
const clock = new ManualClock(Date.UTC(2024, 2, 15, 12, 0, 0));
const conns: Redis[] = [];
const logLines: string[] = [];
let h: TestDb;

function gateway(connection: Redis): Gateway {
  conns.push(connection);
  return buildGateway({
    db: h.db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: clock.now() },
    rateLimit: { capacity: 3, refillPerSec: 1 },
    redis: { connection, prefix },
  });
}

async function connected(): Promise<Redis> {
  const r = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await once(r, 'ready');
  return r;
}

const say = (gw: Gateway, userId: string): Promise<ChatResult> =>
  gw.core.handle({ platform: 'telegram', userId, chatId: userId, scope: userId, text: '/whoami' });

/** allow = answered, warn = "Slow down", drop = no answer at all, error = "unavailable". */
function kind(r: ChatResult): 'allow' | 'warn' | 'drop' | 'error' {
  if (r.replies.length === 0) return 'drop';
  if (r.notice === 'Unavailable') return 'error';
  return r.notice === 'Slow down' ? 'warn' : 'allow';
}

beforeAll(async () => {
  setLogger(pino({ level: 'warn' }, { write: (s: string) => void logLines.push(s) }));
  h = await freshPgDb();
  for (const id of ['21', '22', '23'])
    await upsertChatUser(h.db, { platform: 'telegram', userId: id, role: 'viewer' });
});

afterAll(async () => {
  for (const c of conns) c.disconnect();
  await dropPrefix(prefix);
  await h?.close();
});

describe('rate limit shared by gateway processes', () => {
  it("one user's burst alternating between two gateways is limited as one bucket", async () => {
    const a = gateway(await connected());
    const b = gateway(await connected());
    // Capacity 3: alternating A, B, A, B, … the first three pass, the fourth (on B) is told to slow
    // down, the rest are dropped. Two separate buckets would have let six through.
    const burst: ChatResult[] = [];
    for (let i = 0; i < 8; i++) burst.push(await say(i % 2 === 0 ? a : b, '21'));
    expect(burst.map(kind)).toEqual(['allow', 'allow', 'allow', 'warn', 'drop', 'drop', 'drop', 'drop']);
    // The warning says when to come back: an empty bucket regains one token in 1 s.
    expect(blockPlain(burst[3]!.replies[0]!.blocks[0]!)).toMatch(/Try again in 1s/);

    // Others are unaffected, on either gateway.
    expect([kind(await say(a, '22')), kind(await say(b, '23'))]).toEqual(['allow', 'allow']);

    // One second refills one token, shared: one message passes (on B), the next (on A) is warned again.
    clock.advance(1000);
    expect(kind(await say(b, '21'))).toBe('allow');
    expect(kind(await say(a, '21'))).toBe('warn');
    expect(kind(await say(b, '21'))).toBe('drop');
  });

  it('with Redis unreachable every message passes and one warning is logged', async () => {
    // A private Redis the gateway is connected to, then killed: no offline queue, so commands fail at once.
    const server = await startPrivateRedis();
    const conn = new Redis(server.url, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
    conn.on('error', () => {});
    await once(conn, 'ready');
    const gw = gateway(conn);
    expect(kind(await say(gw, '23'))).toBe('allow');
    await server.close();
    await vi.waitFor(() => expect(conn.status).not.toBe('ready'));
    logLines.length = 0;
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(kind(await say(gw, '23')));
    expect(answers).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow']);
    const warnings = logLines.filter((l) => l.includes('chat rate limit unavailable'));
    expect(warnings).toHaveLength(1);
  });

  it('decides exactly as the in-memory bucket does, for any pacing of messages from a few users', async () => {
    const conn = await connected();
    conns.push(conn);
    const op = fc.record({ waitMs: fc.integer({ min: 0, max: 3000 }), user: fc.constantFrom('x', 'y', 'z') });
    const opts = fc.record({
      capacity: fc.integer({ min: 1, max: 6 }),
      refillPerSec: fc.constantFrom(0.3, 0.5, 1, 2.5),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(opts, fc.array(op, { maxLength: 40 }), async (o, ops) => {
        const c = new ManualClock(1_000_000);
        const mem = new RateLimiter(c, o);
        const shared = new RedisRateLimiter(conn, c, `${prefix}:prop${run++}`, o);
        for (const { waitMs, user } of ops) {
          c.advance(waitMs);
          expect(await shared.admit(user)).toEqual(await mem.admit(user));
        }
      }),
      { numRuns: 40 },
    );
  });
});
