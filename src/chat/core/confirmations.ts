// Pending confirmations for destructive commands (`kill`, `close all`): a short code bound to the user
// who asked, valid ~30 s, usable once, by button or by typing `/confirm CODE`.
import { randomInt } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';

export const CONFIRM_TTL_MS = 30_000;

interface Pending<T> {
  userKey: string;
  value: T;
  expiresAt: number;
}

export type TakeResult<T> =
  { kind: 'ok'; value: T } | { kind: 'expired' } | { kind: 'not-yours' } | { kind: 'unknown' };

export class Confirmations<T> {
  private readonly pending = new Map<string, Pending<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = CONFIRM_TTL_MS,
  ) {}

  create(userKey: string, value: T): { code: string; expiresAt: number } {
    this.prune();
    let code: string;
    do code = String(randomInt(100000, 1000000));
    while (this.pending.has(code));
    const expiresAt = this.clock.now() + this.ttlMs;
    this.pending.set(code, { userKey, value, expiresAt });
    return { code, expiresAt };
  }

  take(code: string, userKey: string): TakeResult<T> {
    const p = this.pending.get(code);
    if (!p) return { kind: 'unknown' };
    // Someone else pressing the button must not consume the asker's confirmation.
    if (p.userKey !== userKey) return { kind: 'not-yours' };
    this.pending.delete(code);
    if (this.clock.now() > p.expiresAt) return { kind: 'expired' };
    return { kind: 'ok', value: p.value };
  }

  cancel(code: string, userKey: string): boolean {
    const p = this.pending.get(code);
    if (!p || p.userKey !== userKey) return false;
    this.pending.delete(code);
    return true;
  }

  private prune(): void {
    const now = this.clock.now();
    // Keep expired entries a little while so a late press says "expired", not "unknown".
    for (const [k, p] of this.pending) if (now - p.expiresAt > 10 * this.ttlMs) this.pending.delete(k);
  }
}
