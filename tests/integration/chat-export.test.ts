// /export <year> end to end: the real telegraf adapter against the Bot API emulator (document sent as
// multipart), Bolt against the Slack emulator (files.uploadV2) and the console (file saved). The file is
// byte for byte what `bosun export trades` writes for the same UTC year and database.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { runConsole } from '../../src/chat/console/index.js';
import { SlackAdapter } from '../../src/chat/slack/index.js';
import { TelegramAdapter } from '../../src/chat/telegram/index.js';
import { runExportCli } from '../../src/cli/export.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { storeReportFill } from '../helpers/store-fill.js';
import { auditLog } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import type { ReportFill } from '../../src/reports/index.js';
import { BTC_SPOT, ETH_PERP, HISTORY, reportFill } from '../fixtures/reports-history.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { postSigned, SlackEmulator, slashForm } from '../helpers/slack-emulator.js';
import { TelegramEmulator, type TgCall } from '../helpers/telegram-emulator.js';

const TOKEN = '4242:export-test';
const SECRET = 'export-signing-secret';
const ADMIN = { id: 14, username: 'admin14' };
const VIEWER = { id: 11, username: 'viewer11' };

let db: TestDb;
let tg: TelegramEmulator;
let slack: SlackEmulator;
let gw: Gateway;
let bot: TelegramAdapter;
let app: SlackAdapter;
let events: string;
let dir: string;
const clock = new ManualClock(Date.UTC(2026, 2, 15, 12));

const t = (iso: string): number => Date.parse(iso);

function fill(
  execId: string,
  inst: PositionInstrument,
  side: 'Buy' | 'Sell',
  qty: string,
  price: string,
  fee: string,
  feeCurrency: string,
  at: string,
): ReportFill {
  return reportFill(execId, inst, side, qty, price, fee, feeCurrency, t(at));
}

/** Funding as stored: fee = amount paid (negative = received). */
function funding(execId: string, paid: string, at: string): ReportFill {
  return { ...fill(execId, ETH_PERP, 'Buy', '0', '0', paid, 'USDT', at), execType: 'Funding' };
}

// 2025: a spot round trip (lot 0.4995 BTC bought at 100, sold at 120: +9.99 USDT), a perp long closed at a
// loss (2 ETH 1500 → 1400: −200 USDT) and two funding payments (+0.1, −0.25); funding exactly on both
// year boundaries and just before 2025 checks the period is [Jan 1, Jan 1 next year) UTC.
const YEAR_2025: ReportFill[] = [
  funding('x-2024', '-5', '2024-12-31T23:59:59.999Z'),
  funding('y-f0', '-0.1', '2025-01-01T00:00:00.000Z'),
  fill('y-b1', BTC_SPOT, 'Buy', '0.5', '100', '0.0005', 'BTC', '2025-02-01T10:00:00Z'),
  fill('y-p1', ETH_PERP, 'Buy', '2', '1500', '1.65', 'USDT', '2025-03-01T12:00:00Z'),
  funding('y-f1', '0.25', '2025-06-01T08:00:00Z'),
  fill('y-s1', BTC_SPOT, 'Sell', '0.4995', '120', '0.05994', 'USDT', '2025-08-01T10:00:00Z'),
  fill('y-p2', ETH_PERP, 'Sell', '2', '1400', '1.54', 'USDT', '2025-12-31T23:59:59.999Z'),
  funding('z-f', '0.7', '2026-01-01T00:00:00.000Z'),
];

async function store(f: ReportFill): Promise<void> {
  await storeReportFill(db.db, f, f.symbol === 'BTCUSDT' ? BTC_SPOT : ETH_PERP);
}

/** What `bosun export trades ARGS` prints for the same database. */
async function cliExport(args: string[]): Promise<Buffer> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (d: Buffer) => chunks.push(d));
  const code = await runExportCli(
    ['trades', ...args],
    { stdout, stderr: new PassThrough(), stdin: new PassThrough() },
    loadEnv({ DATABASE_URL: db.url }),
  );
  expect(code).toBe(0);
  return Buffer.concat(chunks);
}

const documentTo = (chatId: number, pred: (c: TgCall) => boolean = () => true) =>
  tg.waitFor('sendDocument', (c) => String(c.params.chat_id) === String(chatId) && pred(c));
const messageTo = (chatId: number, pred: (c: TgCall) => boolean) =>
  tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === String(chatId) && pred(c));

beforeAll(async () => {
  db = await freshPgDb();
  for (const f of [...YEAR_2025, ...HISTORY]) await store(f);
  await upsertChatUser(db.db, { platform: 'telegram', userId: String(ADMIN.id), role: 'admin' });
  await upsertChatUser(db.db, { platform: 'telegram', userId: String(VIEWER.id), role: 'viewer' });
  await upsertChatUser(db.db, { platform: 'slack', userId: 'U14', role: 'admin' });
  dir = await mkdtemp(join(tmpdir(), 'bosun-chat-export-'));
  gw = buildGateway({
    db: db.db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: clock.now() },
    rateLimit: { capacity: 100, refillPerSec: 10 },
  });
  tg = await new TelegramEmulator(TOKEN).start();
  bot = new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core });
  await bot.start();
  slack = await new SlackEmulator('xoxb-test').start();
  app = new SlackAdapter({
    token: 'xoxb-test',
    signingSecret: SECRET,
    apiUrl: slack.apiUrl,
    port: 0,
    core: gw.core,
  });
  events = `http://127.0.0.1:${await app.start()}/slack/events`;
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await app?.stop();
  await tg?.stop();
  await slack?.stop();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('/export in Telegram', () => {
  it('sends an admin the year as a csv document, the same bytes as the CLI, with the totals in the caption', async () => {
    await tg.sendText(ADMIN, { id: ADMIN.id }, '/export 2025');
    const doc = await documentTo(ADMIN.id);
    expect(doc.contentType).toMatch(/^multipart\/form-data/);
    const file = doc.files.find((f) => f.field === 'document');
    expect(file?.name).toBe('bosun-trades-2025.csv');
    const cli = await cliExport(['--from', '2025-01-01', '--to', '2025-12-31']);
    expect(file?.bytes.equals(cli)).toBe(true);
    // Hand-computed: lot +9.99 and close −200 → −190.01; fees 0.0005 BTC and 0.05994 + 1.65 + 1.54 USDT;
    // funding +0.1 − 0.25 (the payments at 2024-12-31 23:59:59.999 and 2026-01-01 00:00 are not 2025's).
    const lines = file?.bytes.toString('utf8').trimEnd().split('\n') ?? [];
    expect(lines.map((l) => l.split(',')[0])).toEqual([
      'type',
      'funding',
      'open',
      'funding',
      'lot',
      'close',
      'total-realized-pnl',
      'total-fees',
      'total-fees',
      'total-funding',
    ]);
    expect(lines.slice(-4)).toEqual([
      'total-realized-pnl,,,,,,,,,,-190.01,,,,,,USDT,',
      'total-fees,,,,,,,,,,,,,,,0.0005,BTC,',
      'total-fees,,,,,,,,,,,,,,,3.24994,USDT,',
      'total-funding,,,,,,,,,,,,,,,-0.15,USDT,',
    ]);
    const caption = String(doc.params.caption);
    expect(doc.params.parse_mode).toBe('HTML');
    expect(caption).toContain('<b>✅ Trades export 2025</b>');
    expect(caption).toContain('<b>Rows:</b> 5');
    expect(caption).toMatch(/BTC +0 +0\.0005 +0\n/);
    expect(caption).toMatch(/USDT +-190\.01 +3\.24994 +-0\.15/);
    expect(caption).toContain('bosun export trades --from 2025-01-01 --to 2025-12-31');
  });

  it('koinly: bosun-koinly-<year>.csv equal to the CLI output in that format', async () => {
    await tg.sendText(ADMIN, { id: ADMIN.id }, '/export 2026 koinly');
    const doc = await documentTo(ADMIN.id, (c) => c.files[0]?.name === 'bosun-koinly-2026.csv');
    const cli = await cliExport(['--from', '2026-01-01', '--to', '2026-12-31', '--format', 'koinly']);
    expect(doc.files[0]?.bytes.equals(cli)).toBe(true);
    const text = cli.toString('utf8');
    expect(text.startsWith('Date,Sent Amount,Sent Currency,')).toBe(true);
    // The midnight funding payment opens 2026.
    expect(text.split('\n')[1]).toBe('2026-01-01 00:00:00 UTC,0.7,USDT,,,,,,,cost,ETHUSDT funding paid,z-f');
  });

  it('refuses a viewer and sends no file; both attempts are in the audit log', async () => {
    await tg.sendText(VIEWER, { id: VIEWER.id }, '/export 2025');
    const refusal = await messageTo(VIEWER.id, () => true);
    expect(String(refusal.params.text)).toContain('/export needs the admin role; you are viewer.');
    expect(tg.callsOf('sendDocument').filter((c) => String(c.params.chat_id) === '11')).toHaveLength(0);
    await vi.waitFor(async () => {
      const rows = await db.db.select().from(auditLog).where(eq(auditLog.action, 'export'));
      expect(rows.map((r) => `${r.actor}:${r.outcome}`)).toEqual(
        expect.arrayContaining(['telegram:14:ok', 'telegram:11:denied']),
      );
    });
    const [ok] = await db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'export'), eq(auditLog.actor, 'telegram:14')));
    expect(ok?.args).toMatchObject({ args: ['2025'] });
    expect(ok?.detail).toBe('Trades export 2025');
  });

  it('a bad year or format gets a message naming what is accepted', async () => {
    const cases: [string, RegExp][] = [
      ['/export 25', /"25" is not a year: give four digits, like 2025/],
      ['/export 2027', /2027 is in the future: give a year up to 2026/],
      ['/export 2025 xlsx', /"xlsx" is not one of: csv, koinly/],
      ['/export', /missing &lt;year&gt;/],
    ];
    for (const [cmd, expected] of cases) {
      await tg.sendText(ADMIN, { id: ADMIN.id }, cmd);
      await messageTo(ADMIN.id, (x) => expected.test(String(x.params.text)));
    }
    expect(tg.callsOf('sendDocument')).toHaveLength(2);
  });

  it('says so, without a file, for a year with nothing in it', async () => {
    await tg.sendText(ADMIN, { id: ADMIN.id }, '/export 2023');
    const c = await messageTo(ADMIN.id, (x) => String(x.params.text).includes('2023'));
    expect(String(c.params.text)).toContain('<b>Nothing to export for 2023</b>');
    expect(tg.callsOf('sendDocument')).toHaveLength(2);
  });

  it('leaves out a file over the 50 MB upload limit and says so', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x41);
    await bot.send(String(ADMIN.id), {
      title: 'Huge',
      blocks: [],
      file: { data: big, filename: 'huge.csv', mime: 'text/csv' },
    });
    const c = await messageTo(ADMIN.id, (x) => String(x.params.text).includes('huge.csv'));
    expect(String(c.params.text)).toContain("huge.csv is 50.0 MB, over Telegram's 50 MB limit");
    expect(tg.callsOf('sendDocument')).toHaveLength(2);
  });
});

describe('/export in Slack and on the console', () => {
  it('uploads the file to the channel that asked through files.uploadV2', async () => {
    const r = await postSigned(
      events,
      SECRET,
      slashForm({ user: 'U14', channel: 'C9', text: 'export 2025', responseUrl: slack.responseUrl('e1') }),
    );
    expect(r.status).toBe(200);
    const done = await slack.waitFor('files.completeUploadExternal', (c) => c.params.channel_id === 'C9');
    expect(String(done.params.files)).toContain('bosun-trades-2025.csv: 5 rows');
    const url = slack.callsOf('files.getUploadURLExternal').at(-1);
    expect(url?.params.filename).toBe('bosun-trades-2025.csv');
    const up = slack.callsOf('upload').at(-1);
    const cli = await cliExport(['--from', '2025-01-01', '--to', '2025-12-31']);
    expect(up?.file?.data.equals(cli)).toBe(true);
    const summary = [...slack.messages.values()].find((m) => m.channel === 'C9');
    expect(summary?.text).toContain('Trades export 2025');
  });

  it('saves the file on the console and prints its path', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    input.end('/export 2025\n');
    await runConsole({ input, output, core: gw.core, fileDir: dir });
    const path = join(dir, 'bosun-trades-2025.csv');
    expect(printed).toContain(`File saved to ${path}`);
    const cli = await cliExport(['--from', '2025-01-01', '--to', '2025-12-31']);
    expect((await readFile(path)).equals(cli)).toBe(true);
  });
});
