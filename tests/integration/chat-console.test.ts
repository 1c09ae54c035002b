// The terminal chat (`bosun demo` / `bosun console`) and the `bosun users` allow-list command, against a
// real Postgres: piped commands get plain-text replies, buttons are numbered choices, /quit and end of
// input both finish; users add/list/remove change who the chat answers, with usage errors named.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { bootstrapAdminsFromEnv, buildGateway, type Gateway } from '../../src/chat/build.js';
import { runConsole } from '../../src/chat/console/index.js';
import { runUsersCli } from '../../src/cli/users.js';
import { auditLog, tradingState } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { UsageError } from '../../src/platform/errors.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

let h: TestDb;
let gw: Gateway;
const clock = new ManualClock(Date.UTC(2024, 0, 1));

async function session(lines: string[], end: 'quit' | 'eof' = 'quit'): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const done = runConsole({ input, output, core: gw.core });
  for (const l of lines) input.write(`${l}\n`);
  if (end === 'quit') input.write('/quit\n');
  else input.end();
  await done;
  return text;
}

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const got = { out: '', err: '' };
  stdout.on('data', (d: Buffer) => (got.out += d.toString()));
  stderr.on('data', (d: Buffer) => (got.err += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough() }, got };
}

beforeAll(async () => {
  h = await freshPgDb();
  gw = buildGateway({
    db: h.db,
    clock,
    config: parseConfig({}),
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'demo', startedAt: clock.now() },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('console', () => {
  it('runs piped commands as the local admin and prints plain replies', async () => {
    const text = await session(['/whoami', 'status', '/bogus']);
    expect(text).toMatch(/Platform +console/);
    expect(text).toMatch(/Role +admin/);
    expect(text).toContain('== Status: ACTIVE ==');
    expect(text).toContain('/bogus is not a command');
    expect(text).not.toContain('bosun>');
  });

  it('turns buttons into numbered choices: /2 cancels a kill, nothing is halted', async () => {
    const text = await session(['/kill', '/2']);
    expect(text).toContain('[1] Confirm  [2] Cancel');
    expect(text).toContain('== Cancelled ==');
    const [state] = await h.db.select().from(tradingState);
    expect(state?.state ?? 'ACTIVE').toBe('ACTIVE');
    const rows = await h.db.select().from(auditLog).where(eq(auditLog.action, 'cancel'));
    expect(rows.map((r) => r.outcome)).toEqual(['ok']);
  });

  it('ends at end of input as well as on /quit', async () => {
    const text = await session(['/help'], 'eof');
    expect(text).toContain('/status: mode, equity');
  });
});

describe('bosun users', () => {
  it('adds, lists and removes chat users, and the chat follows', async () => {
    const env = loadEnv({ DATABASE_URL: h.url });
    const a = io();
    expect(
      await runUsersCli(['add', '--platform', 'telegram', '--id', '4242', '--role', 'trader'], a.io, env),
    ).toBe(0);
    expect(a.got.out).toContain('telegram:4242 is trader in any chat');
    const say = () =>
      gw.core.handle({
        platform: 'telegram',
        userId: '4242',
        chatId: '4242',
        scope: '4242',
        text: '/whoami',
      });
    expect((await say()).replies[0]?.title).toBe('You');

    const l = io();
    expect(await runUsersCli(['list', '--json'], l.io, env)).toBe(0);
    expect(JSON.parse(l.got.out)).toEqual([{ platform: 'telegram', id: '4242', role: 'trader', scope: '*' }]);

    const r = io();
    expect(await runUsersCli(['remove', '--platform', 'telegram', '--id', '4242'], r.io, env)).toBe(0);
    clock.advance(3_600_001);
    expect((await say()).replies[0]?.title).toBe('Not authorised');
    const again = io();
    expect(await runUsersCli(['remove', '--platform=telegram', '--id=4242'], again.io, env)).toBe(1);
    expect(again.got.err).toContain('is not on the allow-list');
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.platform, 'cli'));
    expect(audit.map((x) => `${x.action}:${x.outcome}`)).toEqual([
      'users add:ok',
      'users remove:ok',
      'users remove:not-found',
    ]);
  });

  it('makes BOSUN_ADMINS admins at start, idempotently', async () => {
    const env = loadEnv({ DATABASE_URL: h.url, BOSUN_ADMINS: 'telegram:777,slack:UADMIN' });
    expect(await bootstrapAdminsFromEnv(h.db, env)).toBe(2);
    expect(await bootstrapAdminsFromEnv(h.db, env)).toBe(0);
    const r = await gw.core.handle({
      platform: 'slack',
      userId: 'UADMIN',
      chatId: 'C1',
      scope: 'T9',
      text: 'whoami',
    });
    expect(
      r.replies[0]?.blocks
        .map((b) => (b.kind === 'fields' ? b.rows.map((x) => x.value).join(',') : ''))
        .join(),
    ).toContain('admin');
  });

  it('names what was wrong in a bad command line', async () => {
    const env = loadEnv({ DATABASE_URL: h.url });
    const x = io();
    await expect(
      runUsersCli(['add', '--platform', 'discord', '--id', '1', '--role', 'viewer'], x.io, env),
    ).rejects.toThrow(/--platform "discord" is invalid: expected telegram or slack/);
    await expect(
      runUsersCli(['add', '--platform', 'slack', '--id', 'U1', '--role', 'boss'], x.io, env),
    ).rejects.toThrow(UsageError);
    await expect(runUsersCli(['add', '--platform', 'slack', '--id', 'U1'], x.io, env)).rejects.toThrow(
      /--role is required/,
    );
    await expect(runUsersCli(['grant'], x.io, env)).rejects.toThrow(/expected add, list or remove/);
  });
});
