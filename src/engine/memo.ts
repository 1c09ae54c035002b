// Short-lived, per-database memos for the hot path: one in-flight load shared by every caller, kept for
// a bounded time. Keyed by the Db object, so two engines (tests, several databases) never share entries.
import type { Db } from '../db/client.js';

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

export class Memo<T> {
  private readonly byDb = new WeakMap<Db, Map<string, Entry<T>>>();

  constructor(private readonly ttlMs: number) {}

  /** The value loaded less than ttlMs ago (or still loading), else a fresh load; failures are not kept. */
  get(db: Db, key: string, load: () => Promise<T>, now: number = Date.now()): Promise<T> {
    let m = this.byDb.get(db);
    if (!m) {
      m = new Map();
      this.byDb.set(db, m);
    }
    const hit = m.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    const entry = { at: now, value };
    m.set(key, entry);
    const map = m;
    value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    if (m.size > 1000) for (const [k, e] of m) if (now - e.at >= this.ttlMs) m.delete(k);
    return value;
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
