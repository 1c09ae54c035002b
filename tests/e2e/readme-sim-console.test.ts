// The README's simulator route, literally (issue 21, item 2): `bosun sim`, then `bosun start` against it on
// the default embedded database, then `bosun console` beside it. The console opens no database (the bot
// holds the embedded one), answers as the local admin through the bot, and prints the /buy fill as it
// happens, within seconds. With no bot running, it says so in one line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBosun } from '../helpers/cli.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';

const dataDir = mkdtempSync(join(tmpdir(), 'bosun-readme-'));
const prefix = testPrefix('readme');
const children: ChildProcessWithoutNullStreams[] = [];

function bosun(args: string[], env: Record<string, string | undefined>): ChildProcessWithoutNullStreams {
  const full: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) full[k] = v;
  const child = spawn(process.execPath, [`${ROOT}/bin/bosun.js`, ...args], { cwd: dataDir, env: full });
  children.push(child);
  return child;
}

/** Resolves with everything read once `re` matches stdout+stderr; rejects after `ms`. */
function waitFor(child: ChildProcessWithoutNullStreams, re: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms; got:\n${out}`)), ms);
    const on = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(t);
        resolve(out);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`exited (${code}) before ${re}; got:\n${out}`));
    });
  });
}

let env: Record<string, string | undefined> = {};

/** A port free right now, for the bot's HTTP server. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

beforeAll(async () => {
  const sim = bosun(['sim', '--port', '0', '--speed', '0'], {});
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(
    await waitFor(sim, /listening on http\S+\n/, 30_000),
  )?.[1];
  env = {
    DATABASE_URL: undefined,
    BOSUN_DATA_DIR: join(dataDir, '.bosun'),
    BOSUN_CONFIG: undefined,
    REDIS_URL: TEST_REDIS_URL,
    BOSUN_QUEUE_PREFIX: prefix,
    BOSUN_HTTP_PORT: String(await freePort()),
    BYBIT_ENV: 'sim',
    BYBIT_REST_URL: url,
    TELEGRAM_BOT_TOKEN: undefined,
    SLACK_BOT_TOKEN: undefined,
    LOG_LEVEL: 'warn',
  };
  const start = bosun(['start'], env);
  await waitFor(start, /bosun all running/, 60_000);
}, 100_000);

afterAll(async () => {
  for (const c of children.reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  await dropPrefix(prefix);
});

describe('the README simulator route', () => {
  it('bosun console beside a running bot on the embedded database shows a /buy fill within seconds', async () => {
    const console = bosun(['console'], env);
    await new Promise((r) => setTimeout(r, 200));
    const whoami = waitFor(console, /admin/, 20_000);
    console.stdin.write('/whoami\n');
    await whoami;
    const filled = waitFor(console, /Filled: BUY BTCUSDT/, 20_000);
    const sent = Date.now();
    console.stdin.write('/buy BTCUSDT 0.01\n');
    const out = await filled;
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(out).toMatch(/Accepted: BUY 0\.01 BTCUSDT/);
    expect(out).toMatch(/Quantity +0\.01/);
    const status = waitFor(console, /Positions +1/, 20_000);
    console.stdin.write('/status\n');
    await status;
    const exited = new Promise<number | null>((r) => console.once('exit', r));
    console.stdin.end('/quit\n');
    expect(await exited).toBe(0);
  }, 60_000);

  it('with no bot on that Redis prefix, bosun console says so in one line and exits 1', async () => {
    const r = await runBosun(['console'], { env: { ...env, BOSUN_QUEUE_PREFIX: `${prefix}x` } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /no running bot answers on redis:\/\/.* \(queue prefix "[^"]+x"\): start it with `bosun start`/,
    );
  }, 30_000);
});
