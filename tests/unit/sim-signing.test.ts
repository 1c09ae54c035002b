// The simulator checks signatures the way Bybit does; every expected HMAC here is computed with node:crypto
// directly (never with the simulator's or the SDK's signing code).
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, verifyRestAuth, verifyWsAuth, type SimHandle } from '../../src/exchange/sim/index.js';

const KEY = 'sim-key';
const SECRET = 'sim-secret';
const NOW = 1_800_000_000_000;
const secretOf = (k: string) => (k === KEY ? SECRET : undefined);
const sign = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

describe('verifyRestAuth (timestamp + key + recvWindow + payload, Bybit window rule)', () => {
  const input = (
    over: Partial<{ ts: number; secret: string; key: string; recv: string; payload: string }> = {},
  ) => {
    const ts = String(over.ts ?? NOW);
    const key = over.key ?? KEY;
    const recv = over.recv ?? '5000';
    const payload = over.payload ?? 'category=linear&symbol=BTCUSDT';
    return {
      apiKey: key,
      timestamp: ts,
      recvWindow: recv,
      payload,
      sign: sign(over.secret ?? SECRET, ts + key + recv + payload),
    };
  };

  it('accepts a correct signature', () => {
    expect(verifyRestAuth(input(), secretOf, NOW)).toEqual({ ok: true, key: KEY });
  });

  it('answers 10004 for a signature made with the wrong secret', () => {
    const r = verifyRestAuth(input({ secret: 'not-the-secret' }), secretOf, NOW);
    expect(r).toMatchObject({ ok: false, code: 10004 });
  });

  it('answers 10003 for an unknown key, before looking at anything else', () => {
    expect(verifyRestAuth(input({ key: 'who', ts: 1 }), secretOf, NOW)).toMatchObject({
      ok: false,
      code: 10003,
    });
  });

  it('applies server - recvWindow <= ts < server + 1000 exactly (10002 outside)', () => {
    expect(verifyRestAuth(input({ ts: NOW - 5000 }), secretOf, NOW).ok).toBe(true);
    expect(verifyRestAuth(input({ ts: NOW - 5001 }), secretOf, NOW)).toMatchObject({
      ok: false,
      code: 10002,
    });
    expect(verifyRestAuth(input({ ts: NOW + 999 }), secretOf, NOW).ok).toBe(true);
    expect(verifyRestAuth(input({ ts: NOW + 1000 }), secretOf, NOW)).toMatchObject({
      ok: false,
      code: 10002,
    });
    expect(verifyRestAuth(input({ ts: NOW - 20_000, recv: '30000' }), secretOf, NOW).ok).toBe(true);
  });

  it('signs the payload as given: a re-ordered query does not verify', () => {
    const signedSorted = input({ payload: 'category=linear&symbol=BTCUSDT' });
    const sentUnsorted = { ...signedSorted, payload: 'symbol=BTCUSDT&category=linear' };
    expect(verifyRestAuth(sentUnsorted, secretOf, NOW)).toMatchObject({ ok: false, code: 10004 });
  });
});

describe('verifyWsAuth (HMAC of "GET/realtime" + expires)', () => {
  it('accepts a fresh signature, refuses an expired one and a wrong one', () => {
    const expires = NOW + 5000;
    const good = sign(SECRET, `GET/realtime${expires}`);
    expect(verifyWsAuth([KEY, expires, good], secretOf, NOW)).toEqual({ ok: true, key: KEY });
    expect(verifyWsAuth([KEY, NOW, sign(SECRET, `GET/realtime${NOW}`)], secretOf, NOW).ok).toBe(false);
    expect(verifyWsAuth([KEY, expires, sign('wrong', `GET/realtime${expires}`)], secretOf, NOW).ok).toBe(
      false,
    );
    expect(verifyWsAuth(['nobody', expires, good], secretOf, NOW).ok).toBe(false);
  });
});

describe('simulator REST auth over the raw bytes received', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    sim = await startSim({ speed: 0, now: () => NOW });
  });
  afterAll(async () => {
    await sim.close();
  });

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    payload: string,
    opts: { ts?: number; secret?: string; key?: string } = {},
  ) => {
    const ts = String(opts.ts ?? NOW);
    const key = opts.key ?? KEY;
    const headers: Record<string, string> = {
      'X-BAPI-API-KEY': key,
      'X-BAPI-TIMESTAMP': ts,
      'X-BAPI-RECV-WINDOW': '5000',
      'X-BAPI-SIGN': sign(opts.secret ?? SECRET, ts + key + '5000' + payload),
    };
    if (method === 'POST') headers['content-type'] = 'application/json';
    const url = `${sim.restUrl}${path}${method === 'GET' && payload ? `?${payload}` : ''}`;
    const res = await fetch(url, { method, headers, body: method === 'POST' ? payload : undefined });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      retCode: number;
      retMsg: string;
      result: Record<string, unknown>;
      time: number;
    };
  };

  it("GET: verifies the query exactly as sent, in the caller's order and encoding", async () => {
    const q = 'symbol=BTCUSDT&category=linear&orderLinkId=a%20b%2Fc%3A%25';
    const body = await call('GET', '/v5/order/realtime', q);
    expect(body.retCode).toBe(0);
    expect(body.result).toMatchObject({ category: 'linear', list: [] });
  });

  it('POST: verifies the body bytes, not a re-serialised object', async () => {
    const raw = '{"category": "linear",  "symbol":"BTCUSDT", "buyLeverage":"5","sellLeverage":"5"}';
    expect((await call('POST', '/v5/position/set-leverage', raw)).retCode).toBe(0);
    const restrung = JSON.stringify(JSON.parse(raw));
    const ts = String(NOW);
    const res = await fetch(`${sim.restUrl}/v5/position/set-leverage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-BAPI-API-KEY': KEY,
        'X-BAPI-TIMESTAMP': ts,
        'X-BAPI-RECV-WINDOW': '5000',
        'X-BAPI-SIGN': sign(SECRET, ts + KEY + '5000' + restrung),
      },
      body: raw,
    });
    expect(((await res.json()) as { retCode: number }).retCode).toBe(10004);
  });

  it('answers business errors as HTTP 200 bodies: 10004, 10002, 10003', async () => {
    expect((await call('GET', '/v5/account/info', '', { secret: 'wrong' })).retCode).toBe(10004);
    const stale = await call('GET', '/v5/account/info', '', { ts: NOW - 6000 });
    expect(stale.retCode).toBe(10002);
    expect(stale.retMsg).toContain(`server_timestamp[${NOW}]`);
    expect((await call('GET', '/v5/account/info', '', { key: 'unknown' })).retCode).toBe(10003);
    expect((await call('GET', '/v5/account/info', '')).retCode).toBe(0);
  });

  it('applies injected clock skew to the window', async () => {
    sim.faults.set({ clockSkewMs: 10_000 });
    try {
      expect((await call('GET', '/v5/account/info', '')).retCode).toBe(10002);
      expect((await call('GET', '/v5/account/info', '', { ts: NOW + 10_000 })).retCode).toBe(0);
    } finally {
      sim.faults.clear();
    }
  });
});
