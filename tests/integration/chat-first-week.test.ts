// The smaller first-week slips (issue 21, item 12), on the real gateway and Postgres: /help risk says
// `/risk set` needs admin (it said viewer); /health shows every probe's whole detail (it was cut at
// "clock…" on a phone-width table); an approval card re-rendered with nothing new (the vote, then the
// decision's alert) is printed once in the terminal, not twice.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { ConsoleSink, renderPlain } from '../../src/chat/console/index.js';
import { text } from '../../src/chat/core/reply.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { ManualClock } from '../../src/domain/clock.js';
import { parseConfig } from '../../src/platform/config.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
let h: TestDb;
let gw: Gateway;

async function ask(userId: string, line: string): Promise<string> {
  clock.advance(1000);
  const r = await gw.core.handle({ platform: 'telegram', userId, chatId: userId, scope: userId, text: line });
  return r.replies.map((x) => renderPlain(x, 0, true).text).join('\n');
}

beforeAll(async () => {
  h = await freshPgDb();
  await upsertChatUser(h.db, { platform: 'telegram', userId: '1', role: 'viewer' });
  await upsertChatUser(h.db, { platform: 'telegram', userId: '2', role: 'admin' });
  gw = buildGateway({
    db: h.db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'bosun test', startedAt: clock.now() - 60_000 },
    health: [
      {
        name: 'exchange',
        probe: async () => ({ ok: true, detail: 'reachable in 12 ms, clock skew -3 ms' }),
      },
      { name: 'queues', probe: async () => ({ ok: true, detail: '0 waiting, 0 failed since start' }) },
    ],
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('first-week slips', () => {
  it('/help risk: viewing needs viewer, /risk set needs admin', async () => {
    for (const who of ['1', '2']) {
      const out = await ask(who, '/help risk');
      expect(out).toMatch(/^\/risk {2}\(viewer\)$/m);
      expect(out).toMatch(/^\/risk set <limit> <value> {2}\(admin\)$/m);
      expect(out).toContain('Example: /risk set maxLeverage 2 · needs admin');
      expect(out).not.toMatch(/set.*needs viewer/);
    }
    // A command with one form keeps the plain note.
    expect(await ask('1', '/help status')).toContain('Example: /status · needs viewer');
  });

  it('/health prints each probe whole, within a phone width per line', async () => {
    const out = await ask('1', '/health');
    expect(out).toMatch(/✓ exchange \(\d+ ms\): reachable in 12 ms, clock skew -3 ms/);
    expect(out).toMatch(/✓ queues \(\d+ ms\): 0 waiting, 0 failed since start/);
    expect(out).toMatch(/✓ database \(\d+ ms\): ok/);
    expect(out).not.toContain('…');
  });

  it('a console prints an unchanged edit of a message once', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString()));
    const sink = new ConsoleSink(out);
    const card = { title: 'Approval #1: BUY BTCUSDT', blocks: [text('Votes 0/1')] };
    const ref = await sink.send('console', card);
    const voted = { title: 'Approval #1: BUY BTCUSDT: APPROVED', blocks: [text('Votes 1/1')] };
    await sink.edit(ref, voted);
    await sink.edit(ref, voted);
    expect(printed.match(/APPROVED/g)).toHaveLength(1);
    expect(printed.match(/\(update to message 1\)/g)).toHaveLength(1);
    await sink.edit(ref, { ...voted, blocks: [text('Votes 1/1 · sent')] });
    expect(printed.match(/\(update to message 1\)/g)).toHaveLength(2);
  });
});
