// REST front of the simulator: routing, Bybit's envelope, HMAC auth over the raw bytes, per-endpoint limits
// with X-Bapi-Limit* headers, and the HTTP-level faults (error statuses, lost responses).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account } from './account.js';
import { RET, SimError } from './errors.js';
import type { SimBehaviour } from './behaviour.js';
import type { SimFaults } from './faults.js';
import type { PrivateOutbox } from './outbox.js';
import * as mr from './market-routes.js';
import { amendOrder, cancelAll, cancelOrder, createOrder } from './order-entry.js';
import { Params } from './params.js';
import { setLeverage, setMarginMode, switchMode, tradingStop } from './position-entry.js';
import * as q from './queries.js';
import type { RateLimiter } from './rate-limit.js';
import { type SecretLookup, verifyRestAuth } from './signing.js';
import { coinInfo, queryApi } from './user-routes.js';

export interface HttpDeps extends mr.MarketRouteDeps {
  faults: SimFaults;
  behaviour: SimBehaviour;
  outbox: PrivateOutbox;
  limiter: RateLimiter;
  secretOf: SecretLookup;
  log: (line: string) => void;
}

type Method = 'GET' | 'POST';
type Route =
  | { method: Method; auth: false; run: (d: HttpDeps, p: Params) => unknown }
  | { method: Method; auth: true; mutation?: true; run: (d: HttpDeps, a: Account, p: Params) => unknown };

const ROUTES: Record<string, Route> = {
  '/v5/market/time': { method: 'GET', auth: false, run: (d) => mr.serverTime(d) },
  '/v5/market/instruments-info': { method: 'GET', auth: false, run: mr.instrumentsInfo },
  '/v5/market/kline': { method: 'GET', auth: false, run: mr.kline },
  '/v5/market/tickers': { method: 'GET', auth: false, run: mr.tickers },
  '/v5/market/orderbook': { method: 'GET', auth: false, run: mr.orderbook },
  '/v5/market/recent-trade': { method: 'GET', auth: false, run: mr.recentTrades },
  '/v5/order/create': {
    method: 'POST',
    auth: true,
    mutation: true,
    run: (d, a, p) => createOrder(d.engine, a, p),
  },
  '/v5/order/amend': {
    method: 'POST',
    auth: true,
    mutation: true,
    run: (d, a, p) => amendOrder(d.engine, a, p),
  },
  '/v5/order/cancel': {
    method: 'POST',
    auth: true,
    mutation: true,
    run: (d, a, p) => cancelOrder(d.engine, a, p),
  },
  '/v5/order/cancel-all': {
    method: 'POST',
    auth: true,
    mutation: true,
    run: (d, a, p) => cancelAll(d.engine, a, p),
  },
  '/v5/order/realtime': { method: 'GET', auth: true, run: (d, a, p) => q.activeOrders(d.engine, a, p) },
  '/v5/order/history': { method: 'GET', auth: true, run: (d, a, p) => q.orderHistory(d.engine, a, p) },
  '/v5/execution/list': { method: 'GET', auth: true, run: (d, a, p) => q.executionList(d.engine, a, p) },
  '/v5/position/list': { method: 'GET', auth: true, run: (d, a, p) => q.positionList(d.engine, a, p) },
  '/v5/position/set-leverage': { method: 'POST', auth: true, run: (d, a, p) => setLeverage(d.engine, a, p) },
  '/v5/position/trading-stop': { method: 'POST', auth: true, run: (d, a, p) => tradingStop(d.engine, a, p) },
  '/v5/position/switch-mode': { method: 'POST', auth: true, run: (d, a, p) => switchMode(d.engine, a, p) },
  '/v5/account/wallet-balance': {
    method: 'GET',
    auth: true,
    run: (d, a, p) => q.walletBalance(d.engine, a, p),
  },
  '/v5/account/info': { method: 'GET', auth: true, run: (d, a) => q.accountInfo(d.engine, a) },
  '/v5/account/set-margin-mode': {
    method: 'POST',
    auth: true,
    run: (d, a, p) => setMarginMode(d.engine, a, p),
  },
  '/v5/account/fee-rate': { method: 'GET', auth: true, run: (_d, _a, p) => q.feeRate(p) },
  '/v5/user/query-api': { method: 'GET', auth: true, run: (d, a) => queryApi(d.engine, a) },
  '/v5/asset/coin/query-info': { method: 'GET', auth: true, run: (_d, _a, p) => coinInfo(p) },
};

const MAX_BODY = 1 << 20;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function send(res: ServerResponse, now: number, code: number, msg: string, result: unknown): void {
  const body = JSON.stringify({
    retCode: code,
    retMsg: msg,
    result: result ?? {},
    retExtInfo: {},
    time: now,
  });
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    timenow: String(now),
  });
  res.end(body);
}

function sendStatus(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export interface HttpFront {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Responses held back by the lost-response fault; destroyed on close. */
  readonly hanging: Set<ServerResponse>;
}

export function createHttpFront(d: HttpDeps): HttpFront {
  const hanging = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return sendStatus(res, 413, 'Payload Too Large');
      try {
        dispatch(d, req, res, Buffer.concat(chunks).toString('utf8'), hanging);
      } catch (err) {
        d.log(`sim: internal error on ${req.method ?? ''} ${req.url ?? ''}: ${(err as Error).message}`);
        if (!res.headersSent) send(res, d.serverNow(), 10016, 'Internal server error', {});
      }
    });
  };
  return { handle, hanging };
}

function dispatch(
  d: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  hanging: Set<ServerResponse>,
): void {
  const url = req.url ?? '/';
  const qAt = url.indexOf('?');
  const path = qAt < 0 ? url : url.slice(0, qAt);
  const rawQuery = qAt < 0 ? '' : url.slice(qAt + 1);
  const forced = d.faults.takeHttpError();
  if (forced !== null) return sendStatus(res, forced, `simulated HTTP ${forced}`);
  const route = ROUTES[path];
  if (!route) return sendStatus(res, 404, 'Not Found');
  if (req.method !== route.method) return sendStatus(res, 405, 'Method Not Allowed');
  // Market data carries the time of the data it shows (market time when a replay runs ahead of the clock).
  const stamp = path === '/v5/market/time' ? d.serverNow : d.dataNow;
  if (!route.auth) return run(d, res, () => route.run(d, Params.fromQuery(rawQuery)), stamp);

  const now = d.serverNow();
  const auth = verifyRestAuth(
    {
      apiKey: header(req, 'x-bapi-api-key'),
      timestamp: header(req, 'x-bapi-timestamp'),
      sign: header(req, 'x-bapi-sign'),
      recvWindow: header(req, 'x-bapi-recv-window'),
      payload: route.method === 'GET' ? rawQuery : body,
    },
    d.secretOf,
    now,
  );
  if (!auth.ok) return send(res, now, auth.code, auth.message, {});
  let params: Params;
  if (route.method === 'GET') params = Params.fromQuery(rawQuery);
  else {
    let parsed: unknown;
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return send(res, now, RET.paramError, 'request body is not valid JSON', {});
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return send(res, now, RET.paramError, 'request body must be a JSON object', {});
    }
    params = new Params(parsed as Record<string, unknown>);
  }
  const account = d.engine.account(auth.key);
  const cat = safeCategory(params);
  const verdict = d.limiter.take(account.uid, path, cat, now, d.faults.takeRateLimitBurst());
  res.setHeader('X-Bapi-Limit', String(verdict.limit));
  res.setHeader('X-Bapi-Limit-Status', String(verdict.remaining));
  res.setHeader('X-Bapi-Limit-Reset-Timestamp', String(verdict.resetAt));
  if (!verdict.allowed)
    return send(res, now, RET.rateLimited, 'Too many visits. Exceeded the API Rate Limit.', {});
  if (route.mutation && d.faults.takeLostResponse()) {
    // The exchange acts on the request; the answer never leaves. The client sees a timeout or a reset.
    runQuietly(d, () => route.run(d, account, params));
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  // Bybit usually answers an order request before its private frames go out; the behaviour switch decides.
  const replyFirst = route.mutation === true && d.behaviour.takeReplyFirst();
  if (replyFirst) d.outbox.hold();
  try {
    run(d, res, () => route.run(d, account, params));
  } finally {
    if (replyFirst) d.outbox.release(d.behaviour.settings.pushLagMs);
  }
}

function safeCategory(p: Params): string | undefined {
  try {
    return p.opt('category');
  } catch {
    return undefined;
  }
}

function runQuietly(d: HttpDeps, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SimError)) d.log(`sim: internal error: ${(err as Error).message}`);
  } finally {
    d.engine.flush();
  }
}

function run(d: HttpDeps, res: ServerResponse, fn: () => unknown, stamp = d.serverNow): void {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    d.engine.flush();
    if (err instanceof SimError) return send(res, stamp(), err.code, err.message, {});
    throw err;
  }
  d.engine.flush();
  send(res, stamp(), RET.ok, 'OK', result);
}
