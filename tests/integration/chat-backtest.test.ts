// /backtest from chat end to end: real telegraf against the Bot API emulator, real Bolt against the Slack
// emulator, real Postgres, real Redis + BullMQ workers (run-backtest, send-alert), and the Bybit adapter
// against the simulator replaying real BTC 1-minute candles. "Queued" comes back at once; the stats and
// a 1200×800 PNG arrive in the chat that asked (Telegram photo, Slack file, console file on disk).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backtestCommand, MAX_BARS, parseDate, parseRun } from '../../commands/backtest.js';
import {
  process as runJob,
  backtestHandler,
  chatKernelRun,
  type RunBacktestDeps,
} from '../../jobs/run-backtest.js';
import { process as sendAlert } from '../../jobs/send-alert.js';
import { insertRun } from '../../src/backtest/chat-run.js';
import { parseCandleText, sliceByTime } from '../../src/backtest/index.js';
import { deniedLine } from '../../src/kernel/report.js';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { ConsoleSink } from '../../src/chat/console/index.js';
import { Pacer } from '../../src/chat/core/pacer.js';
import { SlackAdapter } from '../../src/chat/slack/index.js';
import { TelegramAdapter } from '../../src/chat/telegram/index.js';
import { bybitCandleSource } from '../../src/cli/bybit-candles.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { backtestRuns } from '../../src/db/schema/index.js';
import { systemClock } from '../../src/domain/clock.js';
import { createBybitExchange, type BybitExchange } from '../../src/exchange/bybit/index.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { enqueue } from '../../src/queue/enqueue.js';
import {
  closeQueues,
  openQueues,
  startWorkers,
  type Queues,
  type WorkerSet,
} from '../../src/queue/workers.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { postSigned, SlackEmulator, slashForm } from '../helpers/slack-emulator.js';
import { TelegramEmulator, type TgCall } from '../helpers/telegram-emulator.js';

const FIXTURE = new URL('../fixtures/chat-backtest-btc-1m.csv', import.meta.url);
const TOKEN = '4242:backtest-token';
const SECRET = 'slack-signing-secret';
const GROUP = -1002;
const CMD = 'sma-cross BTCUSDT 1 2021-12-31 2022-01-01 fast=5 slow=20';
// The fixture starts at 2021-12-31 23:01, so the range holds 59 + 1,440 one-minute bars.
const BARS = 1499;

let tg: TelegramEmulator;
let slack: SlackEmulator;
let h: TestDb;
let sim: SimHandle;
let exchange: BybitExchange;
let redis: Redis;
let queues: Queues;
let workers: WorkerSet;
let gw: Gateway;
let bot: TelegramAdapter;
let app: SlackAdapter;
let events: string;
let chartDir: string;
let jobDeps: RunBacktestDeps;
const prefix = testPrefix('chat-backtest');
const consoleOut = new PassThrough();
let consoleText = '';
consoleOut.on('data', (d: Buffer) => (consoleText += d.toString()));

const trader = { id: 12, username: 'trader12' };
const viewer = { id: 15, username: 'viewer15' };

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const textTo = (chatId: number, pred: (s: string) => boolean, timeoutMs = 5000): Promise<TgCall> =>
  tg.waitFor(
    'sendMessage',
    (c) => String(c.params.chat_id) === String(chatId) && pred(String(c.params.text)),
    timeoutMs,
  );

const photoTo = (chatId: number, runId: number, timeoutMs = 30_000): Promise<TgCall> =>
  tg.waitFor(
    'sendPhoto',
    (c) => String(c.params.chat_id) === String(chatId) && String(c.params.caption).includes(`#${runId}:`),
    timeoutMs,
  );

const runs = () => h.db.select().from(backtestRuns).orderBy(backtestRuns.id);

beforeAll(async () => {
  tg = await new TelegramEmulator(TOKEN).start();
  slack = await new SlackEmulator('xoxb-test').start();
  h = await freshPgDb();
  // A source of historical klines: backtests ask for the file's own dates.
  sim = await startSim({
    port: 0,
    speed: 0,
    data: FIXTURE.pathname,
    historyBars: 1519,
    behaviour: { replayTimes: 'file' },
  });
  exchange = createBybitExchange({
    env: 'sim',
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    key: 'sim-key',
    secret: 'sim-secret',
    timeoutMs: 5000,
    maxRetries: 1,
    backoffBaseMs: 10,
    logger: pino({ level: 'silent' }),
  });
  await upsertChatUser(h.db, { platform: 'telegram', userId: '12', role: 'trader' });
  await upsertChatUser(h.db, { platform: 'telegram', userId: '15', role: 'viewer' });
  await upsertChatUser(h.db, { platform: 'slack', userId: 'U12', role: 'trader' });
  chartDir = await mkdtemp(join(tmpdir(), 'bosun-charts-'));
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queues = openQueues(redis, prefix, ['alerts', 'backtests']);
  const config = parseConfig({});
  gw = buildGateway({
    db: h.db,
    clock: systemClock,
    config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: Date.now() },
    alertsQueue: queues.alerts,
    extraCommands: [
      backtestCommand({
        enqueue: async (job, data, id) => {
          await enqueue(queues.backtests, job, data, { jobId: id });
        },
      }),
    ],
  });
  bot = new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core });
  app = new SlackAdapter({
    token: 'xoxb-test',
    signingSecret: SECRET,
    apiUrl: slack.apiUrl,
    port: 0,
    core: gw.core,
  });
  gw.sinks.push(bot, app, new ConsoleSink(consoleOut));
  jobDeps = {
    db: h.db,
    clock: systemClock,
    candles: bybitCandleSource(exchange, h.db, () => {}),
    alerts: queues.alerts,
  };
  const pacer = new Pacer(systemClock);
  workers = startWorkers({
    connection: redis,
    prefix,
    queues: ['backtests', 'alerts'],
    handlers: {
      'run-backtest': backtestHandler(jobDeps),
      'send-alert': (d) =>
        sendAlert(
          {
            db: h.db,
            clock: systemClock,
            config,
            sinks: gw.sinks,
            chats: {},
            board: gw.board,
            pacer,
            chartDir,
          },
          d as { alertId: number },
        ),
    },
  });
  await bot.start();
  events = `http://127.0.0.1:${await app.start()}/slack/events`;
});

afterAll(async () => {
  await workers?.close();
  await bot?.stop();
  await app?.stop();
  await closeQueues(queues ?? {});
  redis?.disconnect();
  await dropPrefix(prefix);
  await exchange?.close();
  await sim?.close();
  await tg?.stop();
  await slack?.stop();
  await h?.close();
  if (chartDir) await rm(chartDir, { recursive: true, force: true });
});

describe('/backtest in Telegram', () => {
  it('answers "queued" at once, then posts the stats with a 1200×800 equity chart as a photo', async () => {
    const t0 = Date.now();
    await tg.sendText(trader, { id: GROUP }, `/backtest ${CMD}`);
    const queued = await textTo(GROUP, (s) => s.includes('Backtest #1 queued'));
    expect(queued.at - t0).toBeLessThan(3000);
    expect(String(queued.params.text)).toContain('sma-cross(5,20) BTCUSDT 1m');
    expect(String(queued.params.text)).toContain('2021-12-31 00:00 → 2022-01-01 23:59 UTC');

    const photo = await photoTo(GROUP, 1);
    expect(photo.contentType).toContain('multipart/form-data');
    const file = photo.files.find((f) => f.field === 'photo');
    expect(file).toBeDefined();
    expect(pngSize(file?.bytes ?? Buffer.alloc(0))).toEqual({ width: 1200, height: 800 });
    const caption = String(photo.params.caption);
    expect(caption).toContain('Backtest #1: sma-cross(5,20) BTCUSDT 1m');
    expect(caption).toMatch(/Return +[+-]\d+\.\d\d%/);
    expect(caption).toContain(`${BARS.toLocaleString('en-US')} bars`);

    // The stored result is the kernel backtest's own answer (the bot's rules) on the same candles,
    // fetched through the adapter.
    const [run] = await runs();
    expect(run?.status).toBe('done');
    expect(run?.requestedBy).toBe('telegram:12');
    expect(run?.chart?.equals(file?.bytes ?? Buffer.alloc(0))).toBe(true);
    const all = parseCandleText(await readFile(FIXTURE, 'utf8'), 'fixture');
    const expected = await chatKernelRun(
      {
        strategy: 'sma-cross',
        symbol: 'BTCUSDT',
        interval: '1',
        request: { strategyParams: { fast: 5, slow: 20 }, from: 0, to: 0, category: 'linear' },
      },
      sliceByTime(all, Date.UTC(2021, 11, 31), Date.UTC(2022, 0, 2) - 1),
    );
    const stats = run?.stats as {
      data: { bars: number };
      stats: Record<string, unknown>;
      report: { deniedLine: string; defaults: string[] };
    };
    expect(stats.data.bars).toBe(BARS);
    expect(stats.stats.trades).toBe(expected.stats.trades);
    expect(stats.stats.trades).toBeGreaterThan(10);
    expect(stats.stats.returnPct).toBeCloseTo(expected.stats.returnPct, 9);
    expect(stats.stats.equityFinal).toBe(expected.stats.equityFinal);
    expect(stats.report.deniedLine).toBe(deniedLine(expected.report));
    expect(stats.report.defaults).toContain("taker fee: Bybit's 0.055 % linear (--taker-fee, --commission)");

    // One status line was posted for the run (besides "queued") and ends edited to "done".
    const statusLines = () =>
      tg.chat(GROUP).filter((m) => m.text?.includes('Backtest #1 ') && !m.text.includes('queued'));
    await vi.waitFor(
      () => {
        expect(statusLines()[0]?.text).toContain('Backtest #1 done');
        expect(statusLines()[0]?.text).toContain(`${BARS.toLocaleString('en-US')} bars`);
      },
      { timeout: 10_000 },
    );
    expect(statusLines()).toHaveLength(1);
  });

  it('/backtest last re-sends the latest finished run to the chat that asks', async () => {
    const before = tg.callsOf('sendPhoto').length;
    await tg.sendText(trader, { id: 12 }, '/backtest last');
    const again = await photoTo(12, 1, 10_000);
    expect(pngSize(again.files[0]?.bytes ?? Buffer.alloc(0))).toEqual({ width: 1200, height: 800 });
    expect(tg.callsOf('sendPhoto')).toHaveLength(before + 1);
  });

  it('a bad argument gets the usage with an example, and nothing is queued', async () => {
    await tg.sendText(trader, { id: 12 }, '/backtest sma-cross BTCUSDT 7 2024-01-01 2024-02-01');
    const usage = await textTo(12, (s) => s.includes('Usage: /backtest'));
    const body = String(usage.params.text);
    expect(body).toContain('interval "7" is not one of 1 3 5 15 30 60 120 240 360 720 D W M');
    expect(body).toContain('Example: /backtest sma-cross BTCUSDT 60 2024-01-01 2024-03-31 fast=10 slow=30');

    await tg.sendText(
      trader,
      { id: 12 },
      '/backtest sma-cross BTCUSDT 60 2024-01-01 2024-02-01 fast=50 slow=20',
    );
    const param = await textTo(12, (s) => s.includes('fast (50) must be less than slow (20)'));
    expect(String(param.params.text)).toContain('Example: /backtest');
    expect(await runs()).toHaveLength(1);
  });

  it('a viewer is refused: backtests need the trader role', async () => {
    await tg.sendText(viewer, { id: 15 }, `/backtest ${CMD}`);
    await textTo(15, (s) => s.includes('/backtest needs the trader role; you are viewer'));
    expect(await runs()).toHaveLength(1);
  });

  it('a range the exchange has no candles for fails, and the asker is told why', async () => {
    await tg.sendText(trader, { id: 12 }, '/backtest ema-cross BTCUSDT 5 2021-06-01 2021-06-02');
    await textTo(12, (s) => s.includes('Backtest #2 queued'));
    const failed = await textTo(12, (s) => s.includes('Backtest #2 failed'), 15_000);
    expect(String(failed.params.text)).toMatch(/no candles in that range/);
    const [, run] = await runs();
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/no candles in that range/);
  });
});

describe('/backtest in Slack', () => {
  it('acknowledges the slash command, then uploads the chart to the channel that asked', async () => {
    const r = await postSigned(
      events,
      SECRET,
      slashForm({
        user: 'U12',
        channel: 'C7',
        text: `backtest ${CMD}`,
        responseUrl: slack.responseUrl('b1'),
      }),
    );
    expect(r.status).toBe(200);
    await slack.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C7' && /#3 queued/.test(String(c.params.text)),
    );
    const done = await slack.waitFor(
      'files.completeUploadExternal',
      (c) => c.params.channel_id === 'C7',
      30_000,
    );
    expect(String(done.params.files)).toContain('Backtest #3 equity');
    expect(slack.callsOf('files.getUploadURLExternal').at(-1)?.params.filename).toBe('backtest-3.png');
    const uploaded = slack.callsOf('upload').at(-1);
    expect(uploaded?.bytes).toBeGreaterThan(10_000);
    const result = [...slack.messages.values()].find(
      (m) => m.channel === 'C7' && m.text.includes('Backtest #3: sma-cross(5,20) BTCUSDT 1m'),
    );
    expect(JSON.stringify(result?.blocks)).toMatch(/Sharpe/);
    const [, , run] = await runs();
    expect(run?.status).toBe('done');
    expect(run?.requestedBy).toBe('slack:U12');
  });
});

describe('console and idempotency', () => {
  it('on the console the stats are printed and the chart is saved to a file', async () => {
    const res = await gw.core.handle({
      platform: 'console',
      userId: 'local',
      chatId: 'console',
      scope: '*',
      text: `/backtest ${CMD}`,
    });
    expect(res.replies[0]?.title).toBe('Backtest #4 queued');
    const path = join(chartDir, 'backtest-4.png');
    await vi.waitFor(() => expect(consoleText).toContain(`Chart saved to ${path}`), { timeout: 30_000 });
    expect(consoleText).toMatch(/Return +[+-]\d/);
    expect(pngSize(await readFile(path))).toEqual({ width: 1200, height: 800 });
  });

  it('an exchange outage is retried by the next attempt; on the last attempt the asker is told', async () => {
    const ethRun = (hour: number) =>
      insertRun(h.db, {
        requestedBy: 'telegram:12',
        strategy: 'sma-cross',
        symbol: 'ETHUSDT',
        interval: '1',
        request: {
          strategyParams: { fast: 5, slow: 20 },
          from: Date.UTC(2022, 0, 1, hour),
          to: Date.UTC(2022, 0, 1, hour + 4),
          category: 'linear',
          replyTo: { platform: 'telegram', chatId: '12' },
        },
      });
    const status = async (id: number) =>
      (await h.db.select().from(backtestRuns).where(eq(backtestRuns.id, id)))[0]?.status;
    // Two 503s outlast the adapter's one retry.
    const first = await ethRun(6);
    sim.faults.set({ httpError: { status: 503, count: 2 } });
    await expect(runJob(jobDeps, { runId: first }, { attemptsMade: 0, attempts: 3 })).rejects.toThrow();
    expect(await status(first)).toBe('running');
    expect((await runJob(jobDeps, { runId: first }, { attemptsMade: 1, attempts: 3 })).status).toBe('done');
    await photoTo(12, first);

    const last = await ethRun(12);
    sim.faults.set({ httpError: { status: 503, count: 2 } });
    const r = await runJob(jobDeps, { runId: last }, { attemptsMade: 2, attempts: 3 });
    expect(r.status).toBe('failed');
    expect(await status(last)).toBe('failed');
    const told = await textTo(12, (s) => s.includes(`Backtest #${last} failed`), 10_000);
    expect(String(told.params.text)).toMatch(/the exchange failed/);
    sim.faults.clear();
  });

  it('running a finished run again changes nothing and sends nothing new', async () => {
    const photos = tg.callsOf('sendPhoto').length;
    const [first] = await runs();
    const again = await runJob(jobDeps, { runId: 1 });
    expect(again.status).toBe('already-finished');
    const [after] = await runs();
    expect(after?.finishedAt).toEqual(first?.finishedAt);
    expect(after?.chart?.equals(first?.chart ?? Buffer.alloc(0))).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(tg.callsOf('sendPhoto')).toHaveLength(photos);
    expect(await h.db.select().from(backtestRuns).where(eq(backtestRuns.status, 'running'))).toHaveLength(0);
  });
});

describe('/backtest arguments', () => {
  const day = (s: string): number => Date.parse(`${s}T00:00:00Z`);

  it('reads dates as UTC; a bare <to> date runs to the end of that day', () => {
    expect(parseDate('2024-01-31', false)).toBe(day('2024-01-31'));
    expect(parseDate('2024-01-31', true)).toBe(day('2024-02-01') - 1);
    expect(parseDate('2024-01-31T12:30', true)).toBe(day('2024-01-31') + 12.5 * 3600_000);
    expect(parseDate('2024-01-31T12:30:00+02:00', false)).toBe(day('2024-01-31') + 10.5 * 3600_000);
    expect(parseDate('2024-02-30', false)).toBeNull();
    expect(parseDate('31/01/2024', false)).toBeNull();
  });

  it('accepts Bybit interval codes and common spellings, run options, and the strategy defaults', () => {
    const r = parseRun([
      'EMA-Cross',
      'eth',
      '4h',
      '2024-01-01',
      '2024-03-31',
      'cash=5000',
      'commission=0.00055',
    ]);
    expect(r).toMatchObject({ strategy: 'ema-cross', symbol: 'ETHUSDT', interval: '240' });
    expect(r.request).toMatchObject({
      strategyParams: { fast: 12, slow: 26 },
      cash: '5000',
      commission: '0.00055',
    });
    expect(parseRun(['rsi-reversion', 'BTCUSDT', 'd', '2023-01-01', '2023-12-31']).interval).toBe('D');
  });

  it('names the first problem: strategy, range order, size, unknown or repeated params', () => {
    const problem = (tokens: string[]): string => {
      try {
        parseRun(tokens);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const base = ['sma-cross', 'BTCUSDT', '60', '2024-01-01', '2024-02-01'];
    expect(problem(['macd', ...base.slice(1)])).toMatch(
      /"macd" is not a strategy; accepted: sma-cross, ema-cross/,
    );
    expect(problem(base.slice(0, 3))).toBe('missing <from>');
    expect(problem([...base.slice(0, 3), '2024-02-01', '2024-01-01'])).toMatch(/must be after <from>/);
    expect(problem(['sma-cross', 'BTCUSDT', '1', '2020-01-01', '2024-01-01'])).toMatch(
      new RegExp(`at most ${MAX_BARS.toLocaleString('en-US')}`),
    );
    expect(problem([...base, 'period=3'])).toMatch(/sma-cross has no param "period"; accepted: fast, slow/);
    expect(problem([...base, 'fast=5', 'fast=6'])).toBe('fast is given twice');
    expect(problem([...base, 'commission=0.5'])).toMatch(/commission is a fraction per fill below 0.1/);
  });
});
