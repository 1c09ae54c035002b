// Two gateway processes of one bot (Slack HTTP mode behind a load balancer) share one Postgres and one
// Redis: a `kill` asked on one is confirmed on the other, once, by its asker only, within 30 s by the
// injected clock, and a restarted gateway still knows it.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import type { ChatResult } from '../../src/chat/core/gateway.js';
import type { Reply } from '../../src/chat/core/reply.js';
import { blockPlain } from '../../src/chat/core/text-table.js';
import { insertConfirmation } from '../../src/db/repos/chat-confirmations.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { getTradingState } from '../../src/db/repos/trading-state.js';
import { chatConfirmations } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

let t: TestEngine;
const prefix = testPrefix('chat-confirm');
const clock = new ManualClock(Date.now());
const conns: Redis[] = [];
let a: Gateway;
let b: Gateway;

/** A gateway process: its own Redis connection, the shared database and clock. */
async function gateway(): Promise<Gateway> {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  conns.push(connection);
  // Without an offline queue, a message before the connection is up would skip the rate limit.
  await once(connection, 'ready');
  return buildGateway({
    db: t.db.db,
    clock,
    config: t.deps.config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: clock.now() },
    services: createTradingServices(t.deps),
    redis: { connection, prefix },
  });
}

const plain = (r: Reply | undefined): string =>
  r ? [r.title ?? '', ...r.blocks.map(blockPlain)].join('\n') : '';

const say = (gw: Gateway, userId: string, text: string): Promise<ChatResult> =>
  gw.core.handle({ platform: 'slack', userId, chatId: 'C1', scope: 'T1', text });

const press = (gw: Gateway, userId: string, data: string): Promise<ChatResult> =>
  gw.core.handle({ platform: 'slack', userId, chatId: 'C1', scope: 'T1', callback: data });

function codeOf(r: ChatResult): string {
  const data = r.replies[0]?.buttons?.flat().find((x) => x.label === 'Confirm')?.data ?? '';
  return /^cf:(\d{6}):y$/.exec(data)?.[1] ?? '';
}

async function askKill(gw: Gateway, reason = 'feed looks wrong'): Promise<string> {
  const prompt = await say(gw, 'U12', `/kill ${reason}`);
  expect(prompt.replies[0]?.title).toBe('Confirm');
  const code = codeOf(prompt);
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

const state = async (): Promise<string> => (await getTradingState(t.db.db)).state;

beforeAll(async () => {
  t = await startTestEngine();
  for (const [id, role] of [
    ['U12', 'trader'],
    ['U13', 'approver'],
    ['U14', 'admin'],
  ] as const) {
    await upsertChatUser(t.db.db, { platform: 'slack', userId: id, role });
  }
  a = await gateway();
  b = await gateway();
});

beforeEach(async () => {
  // A fresh minute (full rate-limit buckets) and trading active again after the previous test's kill.
  clock.advance(60_000);
  if ((await state()) === 'HALTED')
    expect((await say(a, 'U14', '/resume')).replies[0]?.title).toBe('Trading resumed');
});

afterAll(async () => {
  for (const c of conns) c.disconnect();
  await dropPrefix(prefix);
  await t?.close();
});

describe('confirmations shared by gateway processes', () => {
  it('a kill asked on A is confirmed on B, once; a stranger can neither confirm nor cancel it', async () => {
    const code = await askKill(a);
    // Only the command and its argument tokens are stored, bound to the asker.
    expect(await t.db.db.select().from(chatConfirmations)).toEqual([
      {
        code,
        userKey: 'slack:U12',
        command: 'kill',
        args: ['feed', 'looks', 'wrong'],
        expiresAt: clock.now() + 30_000,
      },
    ]);

    expect(plain((await press(b, 'U13', `cf:${code}:y`)).replies[0])).toMatch(/Only the person who asked/);
    expect(plain((await say(a, 'U13', `/cancel ${code}`)).replies[0])).toMatch(/Only the person who asked/);
    expect(await state()).toBe('ACTIVE');

    const done = await press(b, 'U12', `cf:${code}:y`);
    expect(done.replies[0]?.title).toBe('KILL SWITCH: trading HALTED');
    expect(plain(done.replies[0])).toMatch(/Reason +feed looks wrong/);
    expect(await state()).toBe('HALTED');

    // Used: neither process knows it any more.
    expect(plain((await say(b, 'U12', `/confirm ${code}`)).replies[0])).toMatch(/No such confirmation/);
    expect(plain((await say(a, 'U12', `/confirm ${code}`)).replies[0])).toMatch(/No such confirmation/);
    expect(await t.db.db.select().from(chatConfirmations)).toEqual([]);
  });

  it('pressed on both processes at once, exactly one runs the command', async () => {
    const code = await askKill(a);
    const both = await Promise.all([press(a, 'U12', `cf:${code}:y`), press(b, 'U12', `cf:${code}:y`)]);
    const titles = both.map((r) => r.replies[0]?.title).sort();
    expect(titles).toEqual(['KILL SWITCH: trading HALTED', 'Not confirmed']);
    const loser = both.find((r) => r.replies[0]?.title === 'Not confirmed');
    expect(plain(loser?.replies[0])).toMatch(/No such confirmation/);
  });

  it('the asker cancels on B what was asked on A', async () => {
    const code = await askKill(a);
    expect((await say(b, 'U12', `/cancel ${code}`)).replies[0]?.title).toBe('Cancelled');
    expect(plain((await press(a, 'U12', `cf:${code}:y`)).replies[0])).toMatch(/No such confirmation/);
    expect(await state()).toBe('ACTIVE');
  });

  it('expiry follows the injected clock: 29 s is in time, 31 s is too late', async () => {
    const late = await askKill(a);
    clock.advance(31_000);
    expect(plain((await press(b, 'U12', `cf:${late}:y`)).replies[0])).toMatch(/That confirmation expired/);
    expect(await state()).toBe('ACTIVE');
    // An expired code is used up by the press that found it expired.
    expect(plain((await press(b, 'U12', `cf:${late}:y`)).replies[0])).toMatch(/No such confirmation/);

    const early = await askKill(a);
    clock.advance(29_000);
    expect((await press(b, 'U12', `cf:${early}:y`)).replies[0]?.title).toBe('KILL SWITCH: trading HALTED');
  });

  it('expired codes answer "expired" for five minutes after expiry, then are cleaned up', async () => {
    const first = await askKill(a);
    const second = await askKill(a);
    // Every new request prunes rows that expired more than 10 × 30 s ago: not yet these two.
    clock.advance(30_000 + 299_000);
    const fresh1 = await askKill(b);
    expect(plain((await press(a, 'U12', `cf:${first}:y`)).replies[0])).toMatch(/That confirmation expired/);
    clock.advance(2_000);
    const fresh2 = await askKill(b);
    const codes = (await t.db.db.select().from(chatConfirmations)).map((r) => r.code).sort();
    expect(codes).toEqual([fresh1, fresh2].sort());
    expect(plain((await press(a, 'U12', `cf:${second}:y`)).replies[0])).toMatch(/No such confirmation/);
    for (const c of [fresh1, fresh2])
      expect((await say(a, 'U12', `/cancel ${c}`)).replies[0]?.title).toBe('Cancelled');
  });

  it('a restarted gateway (a new object over the same database) still confirms', async () => {
    const code = await askKill(a, 'restart test');
    a = await gateway();
    const done = await say(a, 'U12', `/confirm ${code}`);
    expect(done.replies[0]?.title).toBe('KILL SWITCH: trading HALTED');
    expect(plain(done.replies[0])).toMatch(/Reason +restart test/);
  });

  it('a code held by a live confirmation is not handed out again', async () => {
    const code = await askKill(a);
    const clash = { code, userKey: 'slack:U14', command: 'kill', args: [], expiresAt: clock.now() + 30_000 };
    expect(await insertConfirmation(t.db.db, clash)).toBe(false);
    // The asker's row is untouched: still theirs, still the kill they asked for.
    expect(plain((await press(b, 'U14', `cf:${code}:y`)).replies[0])).toMatch(/Only the person who asked/);
    expect((await say(b, 'U12', `/cancel ${code}`)).replies[0]?.title).toBe('Cancelled');
  });
});
