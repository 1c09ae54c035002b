// Per-UID, per-endpoint rolling one-second limits as Bybit applies them, surfaced in X-Bapi-Limit* headers.
// https://bybit-exchange.github.io/docs/v5/rate-limit (limits table in shared/reference/bybit-v5.md §3).

const WINDOW_MS = 1000;

const LIMITS: Record<string, { linear: number; spot: number }> = {
  '/v5/order/create': { linear: 10, spot: 20 },
  '/v5/order/amend': { linear: 10, spot: 10 },
  '/v5/order/cancel': { linear: 10, spot: 20 },
  '/v5/order/cancel-all': { linear: 10, spot: 20 },
  '/v5/order/realtime': { linear: 50, spot: 50 },
  '/v5/order/history': { linear: 50, spot: 50 },
  '/v5/execution/list': { linear: 50, spot: 50 },
  '/v5/position/list': { linear: 50, spot: 50 },
  '/v5/position/set-leverage': { linear: 10, spot: 10 },
  '/v5/position/trading-stop': { linear: 10, spot: 10 },
  '/v5/position/switch-mode': { linear: 10, spot: 10 },
  '/v5/account/wallet-balance': { linear: 50, spot: 50 },
  '/v5/account/info': { linear: 50, spot: 50 },
  '/v5/account/fee-rate': { linear: 5, spot: 5 },
};
const DEFAULT_LIMIT = 50;

export interface LimitVerdict {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window after this one. */
  remaining: number;
  /** ms epoch when a slot frees up; equals now while not limited. */
  resetAt: number;
}

export function limitFor(path: string, category: string | undefined): number {
  const row = LIMITS[path];
  if (!row) return DEFAULT_LIMIT;
  return category === 'spot' ? row.spot : row.linear;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly enabled: boolean) {}

  /** Count one request; `forceLimited` answers as if the window were full (the 10006 burst fault). */
  take(
    uid: string,
    path: string,
    category: string | undefined,
    now: number,
    forceLimited = false,
  ): LimitVerdict {
    const limit = limitFor(path, category);
    const bucketKey = `${uid}|${path}|${category === 'spot' ? 'spot' : 'other'}`;
    let times = this.hits.get(bucketKey);
    if (!times) {
      times = [];
      this.hits.set(bucketKey, times);
    }
    let drop = 0;
    while (drop < times.length && (times[drop] ?? 0) <= now - WINDOW_MS) drop++;
    if (drop > 0) times.splice(0, drop);
    const oldest = times[0] ?? now;
    if (forceLimited) return { allowed: false, limit, remaining: 0, resetAt: now + WINDOW_MS };
    if (this.enabled && times.length >= limit) {
      return { allowed: false, limit, remaining: 0, resetAt: oldest + WINDOW_MS };
    }
    if (this.enabled) times.push(now);
    return { allowed: true, limit, remaining: Math.max(0, limit - times.length), resetAt: now };
  }
}
