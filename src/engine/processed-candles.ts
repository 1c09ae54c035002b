// What this process knows of each strategy instance's newest processed candle, so that the scheduler's
// fallback tick (hundreds a second, nearly all with nothing new to do) can skip without a query.
import type { Db } from '../db/client.js';

/** The fields of an instance row a skip decision reads. */
export interface KnownInstance {
  readonly lastCandleTime: number | null;
  readonly interval: string;
  readonly enabled: boolean;
  readonly paused: boolean;
}

/**
 * How long a remembered row may stand in for the stored one. last_candle_time only moves forward, so a
 * remembered value is never ahead of the stored one; the bound is for the interval, which another
 * process's bosun.yaml may change (and the pause flag, which an operator may): a fallback tick trusts an
 * old one for at most this long.
 */
const KNOWN_FOR_MS = 10_000;

interface Entry extends KnownInstance {
  readonly at: number;
}

const byDb = new WeakMap<Db, Map<string, Entry>>();

function mapOf(db: Db): Map<string, Entry> {
  let m = byDb.get(db);
  if (!m) {
    m = new Map();
    byDb.set(db, m);
  }
  return m;
}

/** The instance as last read or advanced by this process, while that is recent enough to trust. */
export function knownInstance(db: Db, id: string, wallNow: number = Date.now()): KnownInstance | null {
  const e = byDb.get(db)?.get(id);
  return e && wallNow - e.at < KNOWN_FOR_MS ? e : null;
}

/** Remember a row read from the database (or a candle this process just advanced it to). */
export function rememberInstance(db: Db, id: string, row: KnownInstance, wallNow: number = Date.now()): void {
  const m = mapOf(db);
  const prev = m.get(id);
  // Never step back: a slower read of an older row must not undo a newer advance.
  const last =
    prev &&
    prev.lastCandleTime !== null &&
    (row.lastCandleTime === null || prev.lastCandleTime > row.lastCandleTime)
      ? prev.lastCandleTime
      : row.lastCandleTime;
  m.set(id, {
    lastCandleTime: last,
    interval: row.interval,
    enabled: row.enabled,
    paused: row.paused,
    at: wallNow,
  });
}
