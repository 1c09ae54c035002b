// Alerts end to end without a network: raiseAlert stores and enqueues (deduplicated), the send-alert job
// routes by bosun.yaml alerts.routes to the Telegram and Slack emulators and the console, paces per chat,
// waits out a 429's retry_after, and a retried job never posts the same alert twice.
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAlert, type SendAlertDeps } from '../../jobs/send-alert.js';
import { ConsoleSink } from '../../src/chat/console/index.js';
import { createAlertNotifier } from '../../src/chat/core/alert-notifier.js';
import { digestAlert } from '../../src/chat/core/digest.js';
import { raiseAlert, type Alert } from '../../src/chat/core/alerts.js';
import { Pacer } from '../../src/chat/core/pacer.js';
import { SlackAdapter } from '../../src/chat/slack/index.js';
import { TelegramAdapter } from '../../src/chat/telegram/index.js';
import { buildGateway } from '../../src/chat/build.js';
import { alerts, equitySnapshots, fills } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { dec } from '../../src/domain/decimal.js';
import { parseConfig } from '../../src/platform/config.js';
import { jobId } from '../../src/queue/enqueue.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { SlackEmulator } from '../helpers/slack-emulator.js';
import { TelegramEmulator } from '../helpers/telegram-emulator.js';

const TOKEN = '77:alerts';
const prefix = testPrefix('chat-alerts');
let h: TestDb;
let redis: Redis;
let queue: Queue;
let tg: TelegramEmulator;
let slack: SlackEmulator;
let deps: SendAlertDeps & { pacer: Pacer };
const clock = new ManualClock(Date.UTC(2024, 0, 1));
const slept: number[] = [];
const out = new PassThrough();
let consoleText = '';
out.on('data', (d: Buffer) => (consoleText += d.toString()));

const fill: Alert = {
  kind: 'fill',
  symbol: 'BTCUSDT',
  side: 'Buy',
  qty: '0.01',
  price: '50000.5',
  fee: '0.275',
};

async function raise(a: Alert, dedupeKey?: string): Promise<number> {
  return (await raiseAlert(h.db, queue, a, dedupeKey ? { dedupeKey } : {})).id;
}

beforeAll(async () => {
  h = await freshPgDb();
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('alerts', { connection: redis, prefix });
  tg = await new TelegramEmulator(TOKEN).start();
  slack = await new SlackEmulator('xoxb-test').start();
  const config = parseConfig({
    alerts: { routes: { fills: ['telegram', 'console'], risk: ['slack', 'telegram'] } },
  });
  const gw = buildGateway({
    db: h.db,
    clock,
    config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 't', startedAt: 0 },
  });
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
  };
  deps = {
    db: h.db,
    clock,
    config,
    sinks: [
      new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core }),
      new SlackAdapter({ token: 'xoxb-test', signingSecret: 's', apiUrl: slack.apiUrl, core: gw.core }),
      new ConsoleSink(out),
    ],
    chats: { telegram: '-3001', slack: 'CALERT' },
    board: gw.board,
    sleep,
    pacer: new Pacer(clock, sleep),
  };
});

afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await dropPrefix(prefix);
  await tg?.stop();
  await slack?.stop();
  await h?.close();
});

describe('raiseAlert', () => {
  it('stores the alert and enqueues one send-alert job; a repeated dedupe key adds nothing', async () => {
    const a = await raiseAlert(
      h.db,
      queue,
      { kind: 'heartbeat', message: 'no ticks for 30m' },
      { dedupeKey: 'hb-1' },
    );
    const b = await raiseAlert(
      h.db,
      queue,
      { kind: 'heartbeat', message: 'no ticks for 31m' },
      { dedupeKey: 'hb-1' },
    );
    expect(b).toEqual({ id: a.id, duplicate: true });
    const job = await queue.getJob(jobId('alert', a.id));
    expect(job?.name).toBe('send-alert');
    expect(job?.data).toEqual({ alertId: a.id });
    const rows = await h.db.select().from(alerts).where(eq(alerts.dedupeKey, 'hb-1'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.severity).toBe('warn');
  });

  it('sends a repeated risk denial once per 15 minutes; another check or symbol is news', async () => {
    const t0 = Date.UTC(2024, 0, 1, 9, 0);
    const denial = (symbol: string, check: string, reason: string, intentId: number): Alert => ({
      kind: 'risk-denial',
      intentId,
      symbol,
      reasons: [{ check, reason }],
    });
    const at = async (a: Alert, now: number) => (await raiseAlert(h.db, queue, a, { now })).duplicate;
    expect(await at(denial('SOLUSDT', 'loss-cooldown', '3 losing trades in a row', 1), t0)).toBe(false);
    // The next bar's proposal, denied by the same check (its wording may differ): stored, not sent.
    expect(await at(denial('SOLUSDT', 'loss-cooldown', '4 losing trades in a row', 2), t0 + 60_000)).toBe(
      true,
    );
    expect(await at(denial('XRPUSDT', 'loss-cooldown', '3 losing trades in a row', 3), t0 + 60_000)).toBe(
      false,
    );
    expect(await at(denial('SOLUSDT', 'max-notional', 'notional 5,000 over 1,000', 4), t0 + 90_000)).toBe(
      false,
    );
    expect(await at(denial('SOLUSDT', 'loss-cooldown', 'still cooling down', 5), t0 + 15 * 60_000)).toBe(
      false,
    );
    const sent = await h.db.select().from(alerts).where(eq(alerts.kind, 'risk-denial'));
    expect(sent.map((r) => (r.payload as { intentId: number }).intentId).sort()).toEqual([1, 3, 4, 5]);
  });

  it('turns engine notifications into alerts with decimal strings', async () => {
    const n = createAlertNotifier(h.db, queue);
    await n.notify({
      kind: 'fill',
      symbol: 'ETHUSDT',
      side: 'Sell',
      qty: dec('1.5'),
      price: dec('2250.25'),
      intentId: 9,
    });
    const [row] = await h.db.select().from(alerts).where(eq(alerts.kind, 'fill'));
    expect(row?.payload).toMatchObject({ kind: 'fill', qty: '1.5', price: '2250.25', intentId: 9 });
    expect(row?.title).toBe('Fill Sell 1.5 ETHUSDT @ 2250.25');
  });
});

describe('digest', () => {
  it('summarises a UTC day from the database', async () => {
    const day = Date.UTC(2023, 11, 31);
    await h.db.insert(equitySnapshots).values([
      { ts: day - 60_000, equity: dec('10000'), unrealizedPnl: dec('0'), realizedPnl: dec('0') },
      { ts: day + 3600_000, equity: dec('10120.5'), unrealizedPnl: dec('0'), realizedPnl: dec('0') },
      { ts: day + 23 * 3600_000, equity: dec('10080.25'), unrealizedPnl: dec('0'), realizedPnl: dec('0') },
    ]);
    await h.db.insert(fills).values({
      execId: 'd1',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      qty: dec('0.01'),
      price: dec('42000'),
      fee: dec('0.23'),
      feeCurrency: 'USDT',
      execTime: day + 7200_000,
    });
    const a = await digestAlert(h.db, day, day + 25 * 3600_000);
    // PnL is the day's realized net of fees and funding: d1 only opens a long, so −0.23 (its fee); the
    // equity is the day's last snapshot.
    expect(a).toEqual({
      kind: 'digest',
      day: '2023-12-31',
      equity: '10080.25',
      pnl: '-0.23',
      trades: 1,
      openPositions: 0,
      pendingApprovals: 0,
    });
  });
});

describe('send-alert', () => {
  it('routes a fill to the Telegram alert chat and the console, marks it sent, and never sends it twice', async () => {
    const id = await raise(fill);
    const r = await deliverAlert(deps, id);
    expect(r.delivered.sort()).toEqual(['console:console', 'telegram:-3001']);
    const msgs = tg.chat('-3001');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]?.text).toContain('<b>✅ Filled: BUY BTCUSDT</b>');
    expect(msgs[0]?.text).toContain('<b>Price:</b> 50,000.5');
    expect(consoleText).toContain('Filled: BUY BTCUSDT');
    const [row] = await h.db.select().from(alerts).where(eq(alerts.id, id));
    expect(row?.sentAt).not.toBeNull();
    expect((await deliverAlert(deps, id)).status).toBe('already-sent');
    expect(tg.chat('-3001')).toHaveLength(1);
  });

  it('waits out a 429 for its retry_after and then delivers once', async () => {
    slept.length = 0;
    clock.advance(10_000);
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 7', 7);
    const before = tg.chat('-3001').length;
    const r = await deliverAlert(deps, await raise(fill));
    expect(r.delivered).toContain('telegram:-3001');
    expect(slept).toContain(7000);
    expect(tg.chat('-3001')).toHaveLength(before + 1);
  });

  it('a job retried after a transient failure posts only to the chats that did not get it', async () => {
    clock.advance(10_000);
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    const id = await raise({
      kind: 'risk-breach',
      message: 'daily loss 512.30 > 500',
      action: 'entries paused',
    });
    const tgBefore = tg.chat('-3001').length;
    await expect(deliverAlert(deps, id)).rejects.toThrow(/slack rejected the call: internal_error/);
    expect(tg.chat('-3001')).toHaveLength(tgBefore + 1);
    const [pending] = await h.db.select().from(alerts).where(eq(alerts.id, id));
    expect(pending?.sentAt).toBeNull();
    clock.advance(10_000);
    const retry = await deliverAlert(deps, id);
    expect(retry.delivered).toEqual(['slack:CALERT']);
    expect(retry.skipped).toContain('telegram:-3001');
    expect(tg.chat('-3001')).toHaveLength(tgBefore + 1);
    const slackCopies = [...slack.messages.values()].filter((m) => m.channel === 'CALERT');
    expect(slackCopies).toHaveLength(1);
    expect(slackCopies[0]?.text).toContain('daily loss 512.30 > 500');
  });

  it('gives up on a chat that cannot exist instead of retrying forever', async () => {
    clock.advance(10_000);
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const id = await raise({ kind: 'kill-switch', by: 'telegram:12', reason: 'manual' });
    const r = await deliverAlert(deps, id);
    expect(r.failed).toEqual(['slack:CALERT']);
    expect(r.delivered).toEqual(['telegram:-3001']);
    const [row] = await h.db.select().from(alerts).where(eq(alerts.id, id));
    expect(row?.sentAt).not.toBeNull();
  });

  it('paces several alerts to one chat at one per second', async () => {
    clock.advance(10_000);
    slept.length = 0;
    const ids = [await raise(fill), await raise(fill), await raise(fill)];
    for (const id of ids) await deliverAlert(deps, id);
    expect(slept).toEqual([1000, 1000]);
  });
});
