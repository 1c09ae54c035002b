// No secret reaches a log line: bybit-api errors (which carry key and secret), venue auth failures that
// echo the key, and configuration errors, all logged through our pino logger and searched afterwards.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { RestClientV5 } from 'bybit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBybitExchange } from '../../src/exchange/bybit/index.js';
import { describeFailure } from '../../src/exchange/bybit/sanitize.js';
import { loadEnv } from '../../src/platform/env.js';
import { createLogger, type Logger } from '../../src/platform/logger.js';
import { loadMasterKey } from '../../src/platform/master-key.js';

const KEY = 'LeakTestKey7Qx2Zr9';
const SECRET = 'LeakTestSecret5Vb8Nm3Kp1Wd6Hj4Tg0Yc2Lf7';
let server: Server;
let base = '';
let sawKey = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.headers['x-bapi-api-key'] === KEY) sawKey = true;
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/v5/market/time') {
      return json(200, {
        retCode: 0,
        retMsg: 'OK',
        result: { timeSecond: '1', timeNano: '1' },
        time: Date.now(),
      });
    }
    if (path === '/v5/account/wallet-balance') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end('boom');
    }
    if (path === '/v5/position/list') return json(401, { retCode: 10003, retMsg: 'API key is invalid.' });
    // Bybit's 10004 echoes the string it signed, which starts with the timestamp and the API key.
    const origin = `${Date.now()}${KEY}5000category=linear`;
    return json(200, {
      retCode: 10004,
      retMsg: `error sign! origin_string[${origin}]`,
      result: {},
      time: Date.now(),
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function capture(): { log: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { log: createLogger({ level: 'trace', destination: sink }), text: () => chunks.join('') };
}

function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const s of secrets) expect(text, `log output contains a secret (${s.slice(0, 4)}…)`).not.toContain(s);
}

describe('secret leak', () => {
  it('bybit-api rejections carry the secret; what we log of them does not', async () => {
    const { log, text } = capture();
    const client = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: base });
    for (const call of [
      () => client.getWalletBalance({ accountType: 'UNIFIED' }),
      () => client.getPositionInfo({ category: 'linear' }),
    ]) {
      let raw: unknown;
      try {
        await call();
      } catch (e) {
        raw = e;
      }
      // Guard against a vacuous pass: the SDK error really holds the credentials.
      expect(JSON.stringify(raw)).toContain(SECRET);
      const safe = describeFailure(raw, [KEY, SECRET], Date.now());
      log.error({ err: safe }, 'bybit call failed');
      log.warn(`bybit call failed: ${safe.text}`);
    }
    expect(sawKey).toBe(true);
    expect(text()).toContain('HTTP 500');
    expect(text()).toContain('HTTP 401');
    expectNoSecrets(text(), [KEY, SECRET]);
  });

  it('the adapter, logging its retries and our handling of its errors, leaks neither key nor secret', async () => {
    const { log, text } = capture();
    const ex = createBybitExchange({
      env: 'testnet',
      restUrl: base,
      wsUrl: 'ws://127.0.0.1:1',
      key: KEY,
      secret: SECRET,
      logger: log,
      maxRetries: 1,
      backoffBaseMs: 1,
      timeoutMs: 2000,
    });
    try {
      const failures: unknown[] = [];
      for (const call of [
        () => ex.walletBalance(), // 500: retried, then TransientError
        () => ex.positions(), // 401 + 10003: auth failure
        () => ex.openOrders({ category: 'linear' }), // 200 + 10004 echoing the key
      ]) {
        try {
          await call();
        } catch (e) {
          failures.push(e);
          // The ways a job or command would report it.
          log.error({ err: e }, 'exchange call failed');
          log.error(e instanceof Error ? e.message : String(e));
        }
      }
      expect(failures).toHaveLength(3);
      expect(text()).toMatch(/retrying/);
      expect(text()).toMatch(/10003|401/);
      expect(text()).toMatch(/10004/);
      expectNoSecrets(text(), [KEY, SECRET]);
    } finally {
      await ex.close();
    }
  });

  it('configuration errors about secret-bearing variables name the variable, never the value', () => {
    const { log, text } = capture();
    const master = 'bm90LTMyLWJ5dGVzLWJ1dC1zdGlsbC1hLXNlY3JldA==';
    const webhook = 'has spaces and $ymbols LeakWebhook42';
    const dir = mkdtempSync(join(tmpdir(), 'bosun-leak-'));
    try {
      const keyFile = join(dir, 'master.key');
      writeFileSync(keyFile, 'T3BlbkZpbGVTZWNyZXRLZXlUaGF0SXNUaGlydHlUd28=');
      chmodSync(keyFile, 0o644);
      const cases: Record<string, string>[] = [
        { BYBIT_API_KEY: KEY },
        { BYBIT_API_SECRET: SECRET },
        { BOSUN_MASTER_KEY: master },
        { TELEGRAM_WEBHOOK_URL: 'https://bot.example/hook', TELEGRAM_WEBHOOK_SECRET: webhook },
      ];
      for (const src of cases) {
        let err: unknown;
        try {
          loadEnv(src);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(Error);
        log.fatal({ err }, 'bad configuration');
      }
      try {
        loadMasterKey({ masterKey: undefined, masterKeyFile: keyFile });
      } catch (e) {
        log.fatal({ err: e }, 'bad configuration');
      }
      expect(text()).toContain('BOSUN_MASTER_KEY is invalid');
      expect(text()).toContain('chmod 600');
      expectNoSecrets(text(), [KEY, SECRET, master, webhook, 'T3BlbkZpbGVTZWNyZXRLZXlUaGF0SXNUaGlydHlUd28=']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a malformed DATABASE_URL or REDIS_URL does not echo the password inside it', () => {
    const { log, text } = capture();
    const password = 'LeakDbPassw0rd';
    for (const src of [
      { DATABASE_URL: `postgres://bosun:${password}@db.internal:99999/bosun` },
      { DATABASE_URL: `mysql://bosun:${password}@db.internal/bosun` },
      { REDIS_URL: `http://:${password}@cache.internal:6379` },
    ]) {
      let err: unknown;
      try {
        loadEnv(src);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      log.fatal({ err }, 'bad configuration');
    }
    expect(text()).toMatch(/DATABASE_URL/);
    expectNoSecrets(text(), [password]);
  });
});
