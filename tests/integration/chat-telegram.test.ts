// The real telegraf bot against the Bot API emulator (tests/helpers/telegram-emulator.ts), in long
// polling mode and in webhook mode: commands and replies, an approval through an inline button (alert
// job → request message → press → vote → message edited), strangers refused and audited, sender-less
// updates ignored, photos sent as multipart, 429s surfaced with their retry_after.
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { process as sendAlert } from '../../jobs/send-alert.js';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { Pacer } from '../../src/chat/core/pacer.js';
import { SinkError } from '../../src/chat/core/sink.js';
import { TelegramAdapter } from '../../src/chat/telegram/index.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { openPositions } from '../../src/db/repos/views.js';
import { approvals, auditLog, positions } from '../../src/db/schema/index.js';
import { systemClock } from '../../src/domain/clock.js';
import { dec } from '../../src/domain/decimal.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import {
  openQueues,
  startWorkers,
  closeQueues,
  type Queues,
  type WorkerSet,
} from '../../src/queue/workers.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { TelegramEmulator, type TgCall } from '../helpers/telegram-emulator.js';

const TOKEN = '123456:TEST-token_abc';
const GROUP = -1001;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let tg: TelegramEmulator;
let t: TestEngine;
let gw: Gateway;
let bot: TelegramAdapter;
let redis: Redis;
let queues: Queues;
let workers: WorkerSet;
const prefix = testPrefix('chat-tg');

const user = (id: number) => ({ id, username: `user${id}` });
const sentTo = (chatId: number | string, pred: (c: TgCall) => boolean = () => true) =>
  tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === String(chatId) && pred(c));

beforeAll(async () => {
  tg = await new TelegramEmulator(TOKEN).start();
  t = await startTestEngine({ config: { approvals: { mode: 'manual', quorum: 2 } } });
  t.sim.market.setPrice('BTCUSDT', '50000');
  for (const [id, role] of [
    ['12', 'trader'],
    ['13', 'approver'],
    ['14', 'admin'],
  ] as const) {
    await upsertChatUser(t.db.db, { platform: 'telegram', userId: id, role });
  }
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queues = openQueues(redis, prefix, ['alerts']);
  gw = buildGateway({
    db: t.db.db,
    clock: systemClock,
    config: t.deps.config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: Date.now() },
    services: createTradingServices(t.deps),
    chats: { telegram: String(GROUP) },
    alertsQueue: queues.alerts,
  });
  bot = new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core });
  gw.sinks.push(bot);
  const pacer = new Pacer(systemClock);
  workers = startWorkers({
    connection: redis,
    prefix,
    queues: ['alerts'],
    handlers: {
      'send-alert': (d) =>
        sendAlert(
          {
            db: t.db.db,
            clock: systemClock,
            config: t.deps.config,
            sinks: gw.sinks,
            chats: { telegram: String(GROUP) },
            board: gw.board,
            pacer,
          },
          d as { alertId: number },
        ),
    },
  });
  await bot.start();
});

afterAll(async () => {
  await bot?.stop();
  await workers?.close();
  await closeQueues(queues ?? {});
  redis?.disconnect();
  await dropPrefix(prefix);
  await tg?.stop();
  await t?.close();
});

describe('telegram adapter (long polling)', () => {
  it('started by dropping pending updates and long-polls getUpdates', async () => {
    const del = tg.callsOf('deleteWebhook')[0];
    expect(del?.params.drop_pending_updates).toBe(true);
    await tg.waitFor('getUpdates', (c) => Number(c.params.timeout) > 0);
  });

  it('registers the command menu', async () => {
    const menu = tg.callsOf('setMyCommands')[0]?.params.commands as { command: string }[];
    expect(menu.map((c) => c.command)).toEqual(
      expect.arrayContaining(['status', 'positions', 'buy', 'approve', 'kill']),
    );
  });

  it('ignores a group command addressed to another bot', async () => {
    await tg.sendText(user(14), { id: -1009 }, '/status@some_other_bot');
    await tg.sendText(user(14), { id: -1009 }, '/whoami@bosun_test_bot');
    const c = await sentTo(-1009);
    expect(String(c.params.text)).toContain('<b>You</b>');
    expect(tg.callsOf('sendMessage').filter((x) => String(x.params.chat_id) === '-1009')).toHaveLength(1);
  });

  it('/status answers with escaped HTML and a Refresh button', async () => {
    await tg.sendText(user(14), { id: 14 }, '/status@bosun_test_bot');
    const c = await sentTo(14);
    expect(c.params.parse_mode).toBe('HTML');
    expect(String(c.params.text)).toMatch(/^<b>Status: ACTIVE<\/b>/);
    expect(String(c.params.text)).toContain('<b>Mode:</b> paper (sim)');
    expect(c.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Refresh', callback_data: 'rf:status' }]],
    });
  });

  it('/positions shows the positions in the database as a <pre> table', async () => {
    await t.db.db.insert(positions).values({
      category: 'linear',
      symbol: 'ETHUSDT',
      size: dec('-1.5'),
      avgEntry: dec('2250.25'),
      markPrice: dec('2240'),
      realizedPnl: dec('0'),
      fees: dec('0'),
      funding: dec('0'),
    });
    await tg.sendText(user(14), { id: 14 }, '/positions');
    const c = await sentTo(14, (x) => String(x.params.text).startsWith('<b>Positions ('));
    expect(String(c.params.text)).toMatch(
      /<pre>Symbol +Size +Entry +uPnL\nETHUSDT +-1\.5 +2,250\.25 +\+15\.38<\/pre>/,
    );
    await t.db.db.delete(positions).where(eq(positions.symbol, 'ETHUSDT'));
  });

  it('refuses a stranger once, audits every attempt, and never shows data', async () => {
    await tg.sendText(user(999), { id: 999 }, '/balance');
    const c = await sentTo(999);
    expect(String(c.params.text)).toContain('Not authorised');
    expect(String(c.params.text)).toContain('--id 999');
    await tg.sendText(user(999), { id: 999 }, '/status');
    await vi.waitFor(async () => {
      const rows = await t.db.db.select().from(auditLog).where(eq(auditLog.actor, 'telegram:999'));
      expect(rows.map((r) => r.outcome)).toEqual(['denied', 'denied']);
    });
    expect(tg.callsOf('sendMessage').filter((x) => String(x.params.chat_id) === '999')).toHaveLength(1);
  });

  it('ignores commands from anonymous group admins and channel posts, and audits them', async () => {
    const before = tg.callsOf('sendMessage').length;
    await tg.sendText(
      { id: 1087968824, username: 'GroupAnonymousBot', is_bot: true },
      { id: -1002 },
      '/kill',
    );
    await tg.pushUpdate({
      channel_post: { message_id: 5, date: 0, chat: { id: -1003, type: 'channel' }, text: '/status' },
    });
    await vi.waitFor(async () => {
      const rows = await t.db.db.select().from(auditLog).where(eq(auditLog.outcome, 'rejected'));
      expect(rows.map((r) => r.chatId).sort()).toEqual(['-1002', '-1003']);
    });
    expect(tg.callsOf('sendMessage').length).toBe(before);
  });

  it('an approval request arrives with buttons; two approvers press them; the message shows the outcome', async () => {
    // 0.5 BTC at 50,000 = 25,000 > quorumAboveNotional (20,000): two approvals needed. Keep it under
    // the per-symbol limit by raising it first.
    await upsertChatUser(t.db.db, { platform: 'telegram', userId: '15', role: 'approver' });
    await gw.core.handle({
      platform: 'telegram',
      userId: '14',
      chatId: '14',
      scope: '14',
      text: '/risk set maxNotionalPerSymbol 40000',
    });
    await gw.core.handle({
      platform: 'telegram',
      userId: '14',
      chatId: '14',
      scope: '14',
      text: '/risk set maxGrossExposure 60000',
    });
    await tg.sendText(user(12), { id: GROUP }, '/buy BTCUSDT 0.5');
    const ack = await sentTo(GROUP, (c) => String(c.params.text).includes('Awaiting approval'));
    expect(String(ack.params.text)).toContain('needs 2 votes');
    const request = await sentTo(GROUP, (c) => String(c.params.text).startsWith('<b>⚠️ Approval #'));
    const id = Number(/Approval #(\d+)/.exec(String(request.params.text))?.[1]);
    const text = String(request.params.text);
    for (const k of ['Symbol', 'Side', 'Quantity', 'Price', 'Notional', 'Est. fees', 'Exposure after'])
      expect(text).toContain(`<b>${k}:</b>`);
    expect(text).toContain('<b>Notional:</b> 25,000.00');
    expect(request.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Approve', callback_data: `ap:${id}:a` },
          { text: 'Reject', callback_data: `ap:${id}:r` },
        ],
      ],
    });
    // The copy is recorded right after Telegram answers the send.
    const msgId = await vi.waitFor(async () => {
      const [row] = await t.db.db.select().from(approvals).where(eq(approvals.id, id));
      expect(row?.messages).toHaveLength(1);
      return Number(row?.messages[0]?.messageId);
    });
    const [row] = await t.db.db.select().from(approvals).where(eq(approvals.id, id));
    expect(row?.messages).toEqual([
      { platform: 'telegram', chatId: String(GROUP), messageId: String(msgId) },
    ]);

    await tg.pressButton(user(13), msgId, String(GROUP), `ap:${id}:a`);
    const toast = await tg.waitFor('answerCallbackQuery', (c) =>
      String(c.params.text ?? '').includes('Vote recorded'),
    );
    expect(String(toast.params.text)).toContain('1/2');
    await vi.waitFor(() =>
      expect(tg.messages.get(`${GROUP}:${msgId}`)?.text).toMatch(/Votes 1\/2 \(telegram:13\)/),
    );

    await tg.pressButton(user(15), msgId, String(GROUP), `ap:${id}:a`);
    await vi.waitFor(() => {
      const m = tg.messages.get(`${GROUP}:${msgId}`);
      expect(m?.text).toMatch(/APPROVED/);
      expect(m?.text).toMatch(/Approved by telegram:13, telegram:15/);
      expect(m?.reply_markup).toEqual({ inline_keyboard: [] });
    });
    await vi.waitFor(async () => expect((await openPositions(t.db.db))[0]?.size.toFixed()).toBe('0.5'), {
      timeout: 5000,
    });
    const presses = await t.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'approve'), eq(auditLog.chatId, String(GROUP))));
    expect(presses.map((p) => p.actor)).toEqual(['telegram:13', 'telegram:15']);
  });

  it('sends a photo as multipart with the PNG bytes and an HTML caption', async () => {
    const ref = await bot.send('14', {
      title: 'Equity <curve>',
      blocks: [],
      image: { png: PNG, filename: 'equity.png' },
    });
    const c = await tg.waitFor('sendPhoto');
    expect(c.contentType).toMatch(/^multipart\/form-data/);
    expect(c.files[0]?.name).toBe('equity.png');
    expect(c.files[0]?.bytes.equals(PNG)).toBe(true);
    expect(c.params.caption).toBe('<b>Equity &lt;curve&gt;</b>');
    expect(ref.messageId).toMatch(/^\d+$/);
  });

  it('surfaces a 429 as a rate-limit error carrying retry_after, without the token', async () => {
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 3', 3);
    const err = await bot.send('14', { title: 'x', blocks: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).retryAfterMs).toBe(3000);
    expect((err as SinkError).message).not.toContain(TOKEN);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(a && typeof a === 'object' ? a.port : 0));
    });
  });
}

describe('telegram adapter start-up', () => {
  it('drops commands that queued up while the bot was down', async () => {
    const stale = new TelegramEmulator('555:STALE');
    await stale.start();
    const a = new TelegramAdapter({ token: '555:STALE', apiRoot: stale.apiRoot, core: gw.core });
    try {
      await stale.sendText(user(14), { id: 14 }, '/kill');
      await a.start();
      await stale.sendText(user(14), { id: 14 }, '/whoami');
      const c = await stale.waitFor('sendMessage');
      expect(String(c.params.text)).toContain('<b>You</b>');
      expect(stale.callsOf('sendMessage')).toHaveLength(1);
    } finally {
      await a.stop();
      await stale.stop();
    }
  });
});

describe('telegram adapter (webhook)', () => {
  it('registers the webhook with its secret, answers updates, and refuses requests without the secret', async () => {
    const hook = new TelegramEmulator('999:HOOK');
    await hook.start();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/tg/hook`;
    const a = new TelegramAdapter({
      token: '999:HOOK',
      apiRoot: hook.apiRoot,
      core: gw.core,
      webhook: { url, secret: 'hook-secret_1', port, host: '127.0.0.1' },
    });
    try {
      await a.start();
      const set = hook.callsOf('setWebhook')[0];
      expect(set?.params).toMatchObject({ url, secret_token: 'hook-secret_1', drop_pending_updates: true });
      await hook.sendText(user(14), { id: 14 }, '/whoami');
      const c = await hook.waitFor('sendMessage');
      expect(String(c.params.text)).toContain('<b>Role:</b> admin');
      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
        body: '{}',
      });
      expect(forged.status).toBe(403);
    } finally {
      await a.stop();
      await hook.stop();
    }
  });
});
