import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBybitExchange, type BybitExchange } from '../../src/exchange/bybit/index.js';
import {
  AuthError,
  ExchangeError,
  OutcomeUnknownError,
  TransientError,
} from '../../src/exchange/bybit/errors.js';
import { buildRestClient } from '../../src/exchange/bybit/sdk.js';
import { createLogger } from '../../src/platform/logger.js';

const KEY = 'KEYvisible123456';
const SECRET = 'SECRETneverShow987654';

type Reply = (res: http.ServerResponse) => void;
let reply: Reply = (res) => res.end();
const server = http.createServer((_req, res) => reply(res));
let base = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function exchange(restUrl = base): BybitExchange {
  return createBybitExchange({
    env: 'sim',
    restUrl,
    wsUrl: 'ws://127.0.0.1:9',
    key: KEY,
    secret: SECRET,
    timeoutMs: 300,
    maxRetries: 0,
    logger: createLogger({ level: 'silent' }),
  });
}

function expectClean(e: unknown): void {
  expect(e).toBeInstanceOf(ExchangeError);
  const err = e as ExchangeError;
  for (const text of [err.message, JSON.stringify(err), String(err.stack), inspect(err, { depth: 10 })]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(KEY);
  }
}

describe('SDK errors never leak credentials', () => {
  it('the raw bybit-api rejection does carry the secret (why we sanitize)', async () => {
    reply = (res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    const { client, destroy } = buildRestClient({
      env: 'sim',
      restUrl: base,
      key: KEY,
      secret: SECRET,
      timeoutMs: 300,
    });
    const raw = await client.getWalletBalance({ accountType: 'UNIFIED' }).catch((e: unknown) => e);
    destroy();
    expect(inspect(raw, { depth: 5 })).toContain(SECRET);
  });

  it('HTTP 500 becomes a TransientError with no key or secret in message, JSON, stack or inspect', async () => {
    reply = (res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    const ex = exchange();
    const e = await ex.walletBalance().catch((x: unknown) => x);
    await ex.close();
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe(500);
    expectClean(e);
  });

  it('a 10004 sign error echoing the signed string (with the key) is scrubbed and halts', async () => {
    reply = (res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          retCode: 10004,
          retMsg: `error sign! origin_string[1700000000000${KEY}5000accountType=UNIFIED]`,
          result: {},
          retExtInfo: {},
          time: Date.now(),
        }),
      );
    };
    const ex = exchange();
    const e = await ex.walletBalance().catch((x: unknown) => x);
    await ex.close();
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).consequence).toBe('halt');
    expectClean(e);
  });

  it('a request with no answer times out after timeoutMs (not 5 minutes) as outcome-unknown', async () => {
    reply = () => {};
    const ex = exchange();
    const t0 = Date.now();
    const e = await ex.walletBalance().catch((x: unknown) => x);
    await ex.close();
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expectClean(e);
  });

  it('a refused connection is transient and clean', async () => {
    const ex = exchange('http://127.0.0.1:9');
    const e = await ex.walletBalance().catch((x: unknown) => x);
    await ex.close();
    expect(e).toBeInstanceOf(TransientError);
    expectClean(e);
  });
});
