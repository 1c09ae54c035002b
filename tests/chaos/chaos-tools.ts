// Small tools for the chaos test: a seeded random source, bounded sleeps, an opt-in progress trace and the
// exchange fault driver that counts how many of the faults it set were actually hit.
import type { SimHandle } from '../../src/exchange/sim/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** CHAOS_TRACE=1 prints the run's progress to stderr: for a human watching a slow or failing run. */
export function trace(msg: string): void {
  if (process.env.CHAOS_TRACE)
    process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

/** mulberry32: the kill, fault and trade choices replay from a seed (the timing cannot). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Alternates "the next 1-2 order mutations lose their response" with "the next 2 requests answer 503".
 * A new setting replaces what is left of the previous one, so what was left is read first: `taken`
 * counts the faults that requests really ran into.
 */
export class FaultDriver {
  readonly lost = { set: 0, taken: 0 };
  readonly http = { set: 0, taken: 0 };
  private n = 0;
  private pendingLost = 0;
  private pendingHttp = 0;

  constructor(
    private readonly sim: SimHandle,
    private readonly rand: () => number,
  ) {}

  next(): void {
    this.collect();
    if (this.n++ % 2 === 0) {
      const lost = 1 + Math.floor(this.rand() * 2);
      this.pendingLost = lost;
      this.lost.set += lost;
      this.sim.faults.set({ lostResponses: lost });
    } else {
      this.pendingHttp = 2;
      this.http.set += 2;
      this.sim.faults.set({ httpError: { status: 503, count: 2 } });
    }
  }

  /** Count what was hit and return the exchange to health. */
  stop(): void {
    this.collect();
    this.sim.faults.clear();
  }

  private collect(): void {
    const s = this.sim.faults.settings;
    this.lost.taken += this.pendingLost - s.lostResponses;
    this.http.taken += this.pendingHttp - (s.httpError?.count ?? 0);
    this.pendingLost = s.lostResponses;
    this.pendingHttp = s.httpError?.count ?? 0;
  }
}
