// `bosun doctor` against the simulator and emulated Telegram / Slack endpoints.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { runBosun } from '../helpers/cli.js';

function fakeApi(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/botGOOD:TOKEN/getMe')
      res.end(JSON.stringify({ ok: true, result: { username: 'bosun_bot' } }));
    else if (req.url?.endsWith('/getMe')) {
      res.statusCode = 401;
      res.end(JSON.stringify({ ok: false, description: 'Unauthorized' }));
    } else if (req.url === '/api/auth.test') {
      const good = req.headers.authorization === 'Bearer xoxb-good';
      res.end(
        JSON.stringify(
          good ? { ok: true, user: 'bosun', team: 'Acme' } : { ok: false, error: 'invalid_auth' },
        ),
      );
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('bosun doctor', () => {
  let sim: SimHandle;
  let api: { server: Server; url: string };
  const dir = mkdtempSync(join(tmpdir(), 'bosun-doc-'));
  let base: Record<string, string | undefined>;

  beforeAll(async () => {
    sim = await startSim({ port: 0 });
    api = await fakeApi();
    base = {
      BOSUN_DATA_DIR: dir,
      DATABASE_URL: undefined,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_API_KEY: 'sim-key',
      BOSUN_CONFIG: undefined,
      TELEGRAM_API_ROOT: api.url,
      SLACK_API_URL: `${api.url}/api/`,
    };
    expect((await runBosun(['migrate'], { env: { ...base, BYBIT_API_SECRET: 'x' } })).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    api?.server.close();
  });

  it('passes every check against the simulator and the chat emulators', async () => {
    const r = await runBosun(['doctor'], {
      env: {
        ...base,
        BYBIT_API_SECRET: 'sim-secret',
        TELEGRAM_BOT_TOKEN: 'GOOD:TOKEN',
        SLACK_BOT_TOKEN: 'xoxb-good',
        SLACK_SIGNING_SECRET: 'x',
      },
    });
    expect(r.stdout).toMatch(/✓ exchange: Bybit sim: clock skew -?\d+ ms, key valid, UNIFIED account/);
    expect(r.stdout).toContain('✓ telegram: getMe: @bosun_bot');
    expect(r.stdout).toContain('✓ slack: auth.test: bosun in Acme');
    expect(r.stdout).toContain('all checks passed');
    expect(r.code).toBe(0);
  }, 60_000);

  it('a wrong secret: ✗ for the exchange with a hint, ✓ for the rest, exit 1', async () => {
    const r = await runBosun(['doctor'], { env: { ...base, BYBIT_API_SECRET: 'wrong-secret' } });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('✗ exchange'))).toMatch(/the key was refused/);
    expect(r.stdout).toMatch(/fix: check BYBIT_API_KEY\/BYBIT_API_SECRET/);
    for (const name of ['config', 'database', 'redis', 'master key']) {
      expect(lines.find((l) => l.includes(` ${name}:`))).toMatch(/^✓/);
    }
    expect(r.stdout).not.toContain('wrong-secret');
    expect(r.stdout).toContain('1 check(s) failed');
  }, 60_000);

  it('bad chat tokens and a stopped Redis each get a ✗ and a fix', async () => {
    const r = await runBosun(['doctor'], {
      env: {
        ...base,
        BYBIT_API_SECRET: 'sim-secret',
        REDIS_URL: 'redis://127.0.0.1:1',
        TELEGRAM_BOT_TOKEN: 'BAD:TOKEN',
        SLACK_BOT_TOKEN: 'xoxb-bad',
        SLACK_SIGNING_SECRET: 'x',
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ redis: .*\n +fix: start Redis/);
    expect(r.stdout).toMatch(/✗ telegram: getMe refused: Unauthorized\n +fix: check TELEGRAM_BOT_TOKEN/);
    expect(r.stdout).toMatch(/✗ slack: auth.test refused: invalid_auth/);
    expect(r.stdout).not.toContain('BAD:TOKEN');
  }, 60_000);
});

describe('bosun doctor on a database that was never migrated', () => {
  it('says to run bosun migrate (no raw SQL, no master key hint) and that no chat is configured', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'bosun-doc-new-'));
    const r = await runBosun(['doctor'], {
      env: {
        BOSUN_DATA_DIR: fresh,
        DATABASE_URL: undefined,
        BYBIT_ENV: 'sim',
        BYBIT_REST_URL: undefined,
        BOSUN_CONFIG: undefined,
        TELEGRAM_BOT_TOKEN: undefined,
        SLACK_BOT_TOKEN: undefined,
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ master key: .*not migrated/);
    expect(r.stdout).not.toMatch(/select|relation .* does not exist/i);
    expect(r.stdout).not.toContain('check BOSUN_MASTER_KEY');
    expect(r.stdout.match(/fix: run `bosun migrate`/g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toMatch(/chat: no Telegram or Slack configured/);
  }, 60_000);
});
