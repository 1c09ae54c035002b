// What a process remembers of an instance's processed candle, so a fallback tick can skip without a query:
// it never steps back behind a newer advance, and it is forgotten after a bounded time.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { knownInstance, rememberInstance } from '../../src/engine/processed-candles.js';

const row = (lastCandleTime: number | null, paused = false) => ({
  lastCandleTime,
  interval: '1',
  enabled: true,
  paused,
});

describe('processed candles remembered by a process', () => {
  it('keeps the newest candle when an older read lands after a newer advance', () => {
    const db = {} as Db;
    rememberInstance(db, 'a', row(120_000), 1_000);
    rememberInstance(db, 'a', row(60_000, true), 1_500);
    expect(knownInstance(db, 'a', 2_000)).toMatchObject({ lastCandleTime: 120_000, paused: true });
    rememberInstance(db, 'a', row(null), 1_600);
    expect(knownInstance(db, 'a', 2_000)?.lastCandleTime).toBe(120_000);
  });

  it('is forgotten after ten seconds, and is kept apart per database', () => {
    const db = {} as Db;
    rememberInstance(db, 'a', row(60_000), 1_000);
    expect(knownInstance(db, 'a', 10_999)).not.toBeNull();
    expect(knownInstance(db, 'a', 11_000)).toBeNull();
    expect(knownInstance({} as Db, 'a', 1_000)).toBeNull();
  });
});
