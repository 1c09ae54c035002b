// Fault injection for the simulator, switchable per test (`sim.faults.set({...})`) and by `bosun sim --fault`.
// Counters ("next N") are consumed as requests arrive; `clear()` returns to a healthy exchange.

export interface FaultSettings {
  /** Added to the server clock: /v5/market/time, the signature window, timestamps on records. */
  clockSkewMs: number;
  /** The next N private REST requests answer retCode 10006 with X-Bapi-Limit-Status 0. */
  rateLimitBurst: number;
  /** The next `count` REST requests (any route) answer with this HTTP status (403, 500, 502, 503…). */
  httpError: { status: number; count: number } | null;
  /**
   * The next N order mutations (create / amend / cancel / cancel-all) take effect, then the HTTP response is
   * never written: the request hangs until the client gives up or the socket is destroyed.
   */
  lostResponses: number;
  /** The next N WS auth requests are refused with `success:false`, then the socket is closed. */
  authFailures: number;
  /** Every pong is sent this many ms late (the SDK's pongTimeout is 1000 ms). */
  pongDelayMs: number;
  /** 0 = off; n >= 2 = every taker fill and every resting-order fill is split into n executions. */
  partialFills: number;
  /** 0 = off; otherwise the server closes every WS socket on this period. */
  wsDropEveryMs: number;
}

export type FaultPatch = Partial<FaultSettings>;

export const HEALTHY: Readonly<FaultSettings> = Object.freeze({
  clockSkewMs: 0,
  rateLimitBurst: 0,
  httpError: null,
  lostResponses: 0,
  authFailures: 0,
  pongDelayMs: 0,
  partialFills: 0,
  wsDropEveryMs: 0,
});

export type WsScope = 'public' | 'private' | 'all';

export class SimFaults {
  private s: FaultSettings = { ...HEALTHY };
  private dropTimer: NodeJS.Timeout | null = null;
  private dropper: (scope: WsScope) => number = () => 0;

  get settings(): Readonly<FaultSettings> {
    return this.s;
  }

  set(patch: FaultPatch): void {
    this.s = { ...this.s, ...patch };
    if (patch.partialFills !== undefined && patch.partialFills === 1) this.s.partialFills = 2;
    if (patch.wsDropEveryMs !== undefined) this.scheduleDrops();
  }

  clear(): void {
    this.s = { ...HEALTHY };
    this.scheduleDrops();
  }

  /** Close WS sockets right now (the SDK sees an unexpected close and reconnects). Returns how many. */
  dropWebSockets(scope: WsScope = 'all'): number {
    return this.dropper(scope);
  }

  /** @internal wiring from the WS server. */
  attachDropper(fn: (scope: WsScope) => number): void {
    this.dropper = fn;
  }

  /** @internal */
  dispose(): void {
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.dropTimer = null;
  }

  /** @internal each take* consumes one unit of a "next N" fault and says whether it applies. */
  takeRateLimitBurst(): boolean {
    if (this.s.rateLimitBurst <= 0) return false;
    this.s.rateLimitBurst--;
    return true;
  }

  takeHttpError(): number | null {
    const e = this.s.httpError;
    if (!e || e.count <= 0) return null;
    this.s.httpError = e.count > 1 ? { status: e.status, count: e.count - 1 } : null;
    return e.status;
  }

  takeLostResponse(): boolean {
    if (this.s.lostResponses <= 0) return false;
    this.s.lostResponses--;
    return true;
  }

  takeAuthFailure(): boolean {
    if (this.s.authFailures <= 0) return false;
    this.s.authFailures--;
    return true;
  }

  private scheduleDrops(): void {
    this.dispose();
    const every = this.s.wsDropEveryMs;
    if (every > 0) {
      this.dropTimer = setInterval(() => this.dropper('all'), every);
      this.dropTimer.unref();
    }
  }
}

/**
 * Parse one `--fault` flag: `skew=MS`, `ratelimit=N`, `http=STATUSxN` (e.g. 503x3), `lost=N`, `authfail=N`,
 * `latepong=MS`, `partial=N`, `wsdrop=MS`. Returns a patch, or an error message naming what is accepted.
 */
export function parseFaultFlag(flag: string): FaultPatch | string {
  const m = /^([a-z]+)=(.+)$/.exec(flag.trim());
  const accepted =
    'accepted: skew=MS, ratelimit=N, http=STATUSxN, lost=N, authfail=N, latepong=MS, partial=N, wsdrop=MS';
  if (!m) return `bad --fault "${flag}"; ${accepted}`;
  const [, name, value = ''] = m;
  const int = (allowNegative = false): number | null => {
    if (!(allowNegative ? /^-?\d+$/ : /^\d+$/).test(value)) return null;
    return Number(value);
  };
  const bad = `bad --fault "${flag}": "${value}" is not a valid value for ${name}`;
  switch (name) {
    case 'skew': {
      const n = int(true);
      return n === null ? bad : { clockSkewMs: n };
    }
    case 'ratelimit':
    case 'lost':
    case 'authfail':
    case 'latepong':
    case 'partial':
    case 'wsdrop': {
      const n = int();
      if (n === null) return bad;
      const key = {
        ratelimit: 'rateLimitBurst',
        lost: 'lostResponses',
        authfail: 'authFailures',
        latepong: 'pongDelayMs',
        partial: 'partialFills',
        wsdrop: 'wsDropEveryMs',
      } as const;
      return { [key[name]]: n };
    }
    case 'http': {
      const h = /^([1-5]\d\d)(?:x(\d+))?$/.exec(value);
      if (!h) return bad;
      return { httpError: { status: Number(h[1]), count: h[2] === undefined ? 1 : Number(h[2]) } };
    }
    default:
      return `unknown --fault "${name}"; ${accepted}`;
  }
}
