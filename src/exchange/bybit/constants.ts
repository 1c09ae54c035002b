// Bybit V5 constants (data only): WS paths, per-endpoint rate limits, defaults.
// Limits: https://bybit-exchange.github.io/docs/v5/rate-limit — per UID per second, per IP 600 per 5 s.
import type { Category } from '../../domain/instrument.js';

// `paper` reads mainnet's public hosts unless URLs are given (its orders go to the in-process simulator).
export const BYBIT_ENVS = ['sim', 'paper', 'testnet', 'demo', 'mainnet'] as const;
export type BybitEnv = (typeof BYBIT_ENVS)[number];

/** WS key (bybit-api) → path under the WS base URL, as the real hosts and the simulator lay them out. */
export const WS_PATHS = {
  v5SpotPublic: '/v5/public/spot',
  v5LinearPublic: '/v5/public/linear',
  v5InversePublic: '/v5/public/inverse',
  v5OptionPublic: '/v5/public/option',
  v5EventPublic: '/v5/public/event',
  v5Private: '/v5/private',
  v5PrivateTrade: '/v5/trade',
} as const;

export const DEFAULTS = {
  timeoutMs: 5_000,
  recvWindowMs: 5_000,
  /** Attempts after the first for retryable failures. */
  maxRetries: 3,
  backoffBaseMs: 200,
  /** Longer waits than this are not slept through: the call fails with RateLimitedError at once. */
  maxRateLimitWaitMs: 10_000,
  /** HTTP 403 is an IP ban of at least 10 minutes per the docs; honour it unless the venue says when. */
  ipBanMs: 600_000,
  pingIntervalMs: 10_000,
  /** bybit-api's 1 s default churns on a busy event loop. */
  pongTimeoutMs: 3_000,
  reconnectTimeoutMs: 500,
  authRebuildBaseMs: 500,
  authRebuildMaxMs: 30_000,
  /** An outcome-unknown order may land a moment later: look again once after this. */
  lookupRetryDelayMs: 250,
  settleCoin: 'USDT',
  resyncFillWindowMs: 24 * 3_600_000,
} as const;

/** Endpoint ids used for rate limiting and error messages. */
export const ENDPOINTS = [
  'market/time',
  'market/instruments-info',
  'market/kline',
  'market/tickers',
  'order/create',
  'order/amend',
  'order/cancel',
  'order/cancel-all',
  'order/realtime',
  'order/history',
  'execution/list',
  'position/list',
  'position/set-leverage',
  'position/trading-stop',
  'account/wallet-balance',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Requests per second per UID; null = public, only the IP limit applies. Spot trading gets its own figures. */
export const RATE_LIMITS: Record<Endpoint, { readonly linear: number | null; readonly spot: number | null }> =
  {
    'market/time': { linear: null, spot: null },
    'market/instruments-info': { linear: null, spot: null },
    'market/kline': { linear: null, spot: null },
    'market/tickers': { linear: null, spot: null },
    'order/create': { linear: 10, spot: 20 },
    'order/amend': { linear: 10, spot: 10 },
    'order/cancel': { linear: 10, spot: 20 },
    'order/cancel-all': { linear: 10, spot: 20 },
    'order/realtime': { linear: 50, spot: 50 },
    'order/history': { linear: 50, spot: 50 },
    'execution/list': { linear: 50, spot: 50 },
    'position/list': { linear: 50, spot: 50 },
    'position/set-leverage': { linear: 10, spot: 10 },
    'position/trading-stop': { linear: 10, spot: 10 },
    'account/wallet-balance': { linear: 50, spot: 50 },
  };

/** Per IP: 600 requests in any 5 s window. */
export const IP_LIMIT = { capacity: 600, windowMs: 5_000 } as const;

/** Safety margin on every rate-limit window (jitter between our clock and the venue's arrival times). */
export const RATE_WINDOW_MARGIN_MS = 50;

export function rateLimitKey(endpoint: Endpoint, category: Category | null): string {
  return category ? `${endpoint}:${category}` : endpoint;
}

/** Page sizes the venue allows. */
export const PAGE_LIMITS = {
  kline: 1000,
  orders: 50,
  executions: 100,
  positions: 200,
  instruments: 1000,
} as const;
