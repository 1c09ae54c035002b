// Short-lived, per-database memos for the hot path: one in-flight load shared by every caller, kept for
// a bounded time. Keyed by the Db object, so two engines (tests, several databases) never share entries.
import type { Db } from '../db/client.js';

interface Loaded<T> {
  /** When its load started. */
  at: number;
  value: Promise<T>;
}

interface Entry<T> extends Loaded<T> {
  /** The newest load that succeeded (this one once it has). */
  ok?: Loaded<T>;
}

/** How long a reload that nobody waits for is put off: past the decision in hand and its request. */
const RELOAD_DEFER_MS = 50;

function later<T>(load: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setTimeout(() => void Promise.resolve().then(load).then(resolve, reject), RELOAD_DEFER_MS).unref();
  });
}

export class Memo<T> {
  private readonly byDb = new WeakMap<Db, Map<string, Entry<T>>>();

  /**
   * Values are reloaded after `ttlMs`. With `staleOkMs` (> ttlMs) a caller is not made to wait for a
   * reload while the newest loaded value is younger than that: it gets that value, and the reload starts
   * RELOAD_DEFER_MS later (the caller's decision and request go first).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly staleOkMs: number = ttlMs,
  ) {}

  /** The value loaded less than ttlMs ago (or still loading), else a fresh load; failures are not kept. */
  get(db: Db, key: string, load: () => Promise<T>, now: number = Date.now()): Promise<T> {
    let m = this.byDb.get(db);
    if (!m) {
      m = new Map();
      this.byDb.set(db, m);
    }
    let entry = m.get(key);
    if (!entry || now - entry.at >= this.ttlMs) {
      const young = entry?.ok !== undefined && now - entry.ok.at < this.staleOkMs - RELOAD_DEFER_MS;
      // A reload behind a value the caller may still use starts a moment later, off the caller's path.
      const value = young ? later(load) : load();
      const fresh: Entry<T> = { at: now, value, ...(entry?.ok ? { ok: entry.ok } : {}) };
      const map = m;
      value.then(
        () => {
          fresh.ok = { at: now, value };
        },
        () => {
          if (map.get(key) === fresh) {
            if (fresh.ok) map.set(key, { ...fresh.ok, ok: fresh.ok });
            else map.delete(key);
          }
        },
      );
      m.set(key, fresh);
      entry = fresh;
      if (m.size > 1000) for (const [k, e] of m) if (now - e.at >= this.staleOkMs) m.delete(k);
    }
    const ok = entry.ok;
    return ok && ok.value !== entry.value && now - ok.at < this.staleOkMs ? ok.value : entry.value;
  }

  /** Whether get() would answer at once (a fresh value, or one within the stale allowance). */
  usable(db: Db, key: string, now: number = Date.now()): boolean {
    const ok = this.byDb.get(db)?.get(key)?.ok;
    return ok !== undefined && now - ok.at < this.staleOkMs;
  }

  /** Forget one key, so the next get loads afresh. */
  forget(db: Db, key: string): void {
    this.byDb.get(db)?.delete(key);
  }
}

/**
 * One load at a time per key: callers that ask while it runs share it; the next caller after it settles
 * loads afresh (nothing is kept, so nothing goes stale).
 */
export class SingleFlight<T> {
  private readonly byDb = new WeakMap<Db, Map<string, Promise<T>>>();

  /** Whether a load for `key` is running (a get() now would share it). */
  running(db: Db, key: string): boolean {
    return this.byDb.get(db)?.has(key) ?? false;
  }

  get(db: Db, key: string, load: () => Promise<T>): Promise<T> {
    let m = this.byDb.get(db);
    if (!m) {
      m = new Map();
      this.byDb.set(db, m);
    }
    const running = m.get(key);
    if (running) return running;
    const value = load();
    m.set(key, value);
    const map = m;
    const done = () => {
      if (map.get(key) === value) map.delete(key);
    };
    value.then(done, done);
    return value;
  }
}
