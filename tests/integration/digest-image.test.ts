// The daily digest arrives in chat with a PNG of the last 30 days of equity: raised by sendDigest (once
// per date, however many schedulers fire), delivered by the send-alert job through the real telegraf
// adapter to the Bot API emulator, the chart drawn at delivery from the snapshots. No snapshots, no chart.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { desc, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigest } from '../../jobs/digest.js';
import { deliverAlert, type SendAlertDeps } from '../../jobs/send-alert.js';
import { buildGateway } from '../../src/chat/build.js';
import { ConsoleSink } from '../../src/chat/console/index.js';
import { Pacer } from '../../src/chat/core/pacer.js';
import { TelegramAdapter } from '../../src/chat/telegram/index.js';
import { alerts, equitySnapshots } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { dec } from '../../src/domain/decimal.js';
import { parseConfig } from '../../src/platform/config.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { countPixels, decodePng, topmost } from '../helpers/png.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { TelegramEmulator } from '../helpers/telegram-emulator.js';

const TOKEN = '88:digest-image';
const CHAT = '-4001';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 08:00 UTC on 2026-11-24: the digest reports 2026-11-23; the chart covers [2026-10-25, 2026-11-24).
const NOW = Date.UTC(2026, 10, 24, 8);
const UNTIL = Date.UTC(2026, 10, 24);
const prefix = testPrefix('digest-image');

let h: TestDb;
let redis: Redis;
let queue: Queue;
let tg: TelegramEmulator;
let dir: string;
let deps: SendAlertDeps & { pacer: Pacer };
let consoleText = '';
const clock = new ManualClock(NOW);
const config = parseConfig({
  alerts: { timezone: 'UTC', digestHour: 8, routes: { digest: ['telegram', 'console'] } },
});

// The line colour, and the plot area of the 1200×600 chart (grid: left 130, right 40, top 110, bottom 60).
const blue = (r: number, g: number, b: number) => b > 150 && b > r + 60;
const notWhite = (r: number, g: number, b: number) => r + g + b < 600;
const PLOT = { x0: 130, x1: 1160, y0: 110, y1: 540 };

/** Raise the digest from two schedulers at once, then run its delivery job (twice, as a retry would). */
async function digestDelivered(): Promise<number> {
  const raised = await Promise.all([
    sendDigest({ db: h.db, clock, config, alerts: queue }),
    sendDigest({ db: h.db, clock, config, alerts: queue }),
  ]);
  expect(raised.filter(Boolean)).toHaveLength(1);
  const [row] = await h.db
    .select()
    .from(alerts)
    .where(eq(alerts.kind, 'digest'))
    .orderBy(desc(alerts.id))
    .limit(1);
  if (!row) throw new Error('no digest alert');
  await deliverAlert(deps, row.id);
  expect((await deliverAlert(deps, row.id)).status).toBe('already-sent');
  return row.id;
}

beforeAll(async () => {
  h = await freshPgDb();
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('alerts', { connection: redis, prefix });
  tg = await new TelegramEmulator(TOKEN).start();
  dir = await mkdtemp(join(tmpdir(), 'bosun-digest-'));
  const out = new PassThrough();
  out.on('data', (d: Buffer) => (consoleText += d.toString()));
  const gw = buildGateway({
    db: h.db,
    clock,
    config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 't', startedAt: 0 },
  });
  const sleep = async (ms: number) => clock.advance(ms);
  deps = {
    db: h.db,
    clock,
    config,
    sinks: [new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core }), new ConsoleSink(out)],
    chats: { telegram: CHAT },
    board: gw.board,
    sleep,
    pacer: new Pacer(clock, sleep),
    chartDir: dir,
  };
});

afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await dropPrefix(prefix);
  await tg?.stop();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('digest equity image', () => {
  it('with no snapshots, the digest is text only', async () => {
    await digestDelivered();
    expect(tg.callsOf('sendPhoto')).toHaveLength(0);
    const texts = tg.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === CHAT);
    expect(texts).toHaveLength(1);
    expect(String(texts[0]?.params.text)).toContain('<b>Daily digest 2026-11-23</b>');
    expect(consoleText).toContain('Daily digest 2026-11-23');
    expect(consoleText).not.toContain('Chart saved');
  });

  it('sends one photo of the 30-day curve with the digest as its caption; the queued alert stays small', async () => {
    await h.db.delete(alerts);
    // Hourly equity across the window, rising 10,000 → 10,718 (+1 an hour); outside it, values that would
    // flatten the drawn curve if they were included: far lower before it, far higher after it.
    const rows = [
      { ts: UNTIL - 31 * DAY, equity: dec('100') },
      ...Array.from({ length: 719 }, (_, i) => ({
        ts: UNTIL - 30 * DAY + (i + 1) * HOUR,
        equity: dec('10000').plus(i),
      })),
      { ts: UNTIL + HOUR, equity: dec('90000') },
    ];
    await h.db
      .insert(equitySnapshots)
      .values(rows.map((r) => ({ ...r, unrealizedPnl: dec('0'), realizedPnl: dec('0') })));
    const id = await digestDelivered();

    const photos = tg.callsOf('sendPhoto');
    expect(photos).toHaveLength(1);
    const photo = photos[0];
    expect(String(photo?.params.chat_id)).toBe(CHAT);
    expect(photo?.params.parse_mode).toBe('HTML');
    expect(String(photo?.params.caption)).toContain('<b>Daily digest 2026-11-23</b>');
    // The caption carries the digest: no text message besides the first test's.
    expect(tg.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === CHAT)).toHaveLength(1);
    const file = photo?.files[0];
    expect(file?.name).toBe('equity-2026-11-23.png');

    const img = decodePng(file?.bytes ?? Buffer.alloc(0));
    expect([img.width, img.height]).toEqual([1200, 600]);
    const plot: [number, number, number, number] = [PLOT.x0, PLOT.y0, PLOT.x1, PLOT.y1];
    expect(countPixels(img, plot, blue)).toBeGreaterThan(1000);
    expect(countPixels(img, [20, 14, 700, 50], notWhite)).toBeGreaterThan(300);
    // Rising equity: the line starts low on the left and ends high on the right of the plot.
    const left = topmost(img, PLOT.x0 + 15, PLOT.y0, PLOT.y1, blue);
    const right = topmost(img, PLOT.x1 - 15, PLOT.y0, PLOT.y1, blue);
    expect(left).toBeGreaterThan(0);
    expect(right).toBeGreaterThan(0);
    expect(left - right).toBeGreaterThan(250);

    const [row] = await h.db.select().from(alerts).where(eq(alerts.id, id));
    expect(JSON.stringify(row?.payload).length).toBeLessThan(300);
    const path = join(dir, 'equity-2026-11-23.png');
    expect(consoleText).toContain(`Chart saved to ${path}`);
    expect(decodePng(await readFile(path)).width).toBe(1200);
  }, 60_000);
});
