// The hot path's memos: a value is reloaded after its time-to-live, and (with a stale allowance) a caller
// gets the last loaded value at once while the reload runs, unless that value is too old.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { Memo, SingleFlight } from '../../src/engine/memo.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const db = {} as Db;

describe('Memo with a stale allowance', () => {
  it('serves the last value during a reload while it is young enough, and waits once it is not', async () => {
    const memo = new Memo<string>(1_000, 3_000);
    let loads = 0;
    const first = deferred<string>();
    const p0 = memo.get(db, 'k', () => (loads++, first.promise), 0);
    first.resolve('a');
    expect(await p0).toBe('a');
    expect(await memo.get(db, 'k', () => (loads++, Promise.resolve('x')), 500)).toBe('a');
    expect(loads).toBe(1);
    // Past the time-to-live: a reload starts a moment later, off the caller's path; it is not held up.
    const second = deferred<string>();
    expect(await memo.get(db, 'k', () => (loads++, second.promise), 1_500)).toBe('a');
    expect(loads).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(loads).toBe(2);
    second.resolve('b');
    await new Promise((r) => setTimeout(r, 0)); // the reload has settled
    expect(await memo.get(db, 'k', () => (loads++, Promise.resolve('x')), 1_600)).toBe('b');
    // The newest value (loaded at 1 500) is over 3 s old at 5 000: this caller waits for the reload.
    const third = deferred<string>();
    const late = memo.get(db, 'k', () => (loads++, third.promise), 5_000);
    let settled = false;
    void late.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    third.resolve('c');
    expect(await late).toBe('c');
  });

  it('without an allowance every caller past the time-to-live waits; a failed load is not kept', async () => {
    const memo = new Memo<string>(1_000);
    expect(await memo.get(db, 'k', () => Promise.resolve('a'), 0)).toBe('a');
    const failing = memo.get(db, 'k', () => Promise.reject(new Error('down')), 1_000);
    await expect(failing).rejects.toThrow('down');
    expect(await memo.get(db, 'k', () => Promise.resolve('b'), 1_001)).toBe('b');
  });

  it('says whether a get would answer at once: not before the first load, nor past the allowance', async () => {
    const memo = new Memo<string>(1_000, 3_000);
    expect(memo.usable(db, 'u', 0)).toBe(false);
    const first = deferred<string>();
    const p = memo.get(db, 'u', () => first.promise, 0);
    expect(memo.usable(db, 'u', 0)).toBe(false); // still loading, nothing to serve
    first.resolve('a');
    await p;
    expect([memo.usable(db, 'u', 500), memo.usable(db, 'u', 2_999), memo.usable(db, 'u', 3_000)]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('SingleFlight', () => {
  it('shares one running load and keeps nothing once it settles', async () => {
    const once = new SingleFlight<number>();
    let loads = 0;
    const d = deferred<number>();
    const a = once.get(db, 'k', () => (loads++, d.promise));
    const b = once.get(db, 'k', () => (loads++, Promise.resolve(2)));
    expect(once.running(db, 'k')).toBe(true);
    d.resolve(1);
    expect([await a, await b, loads]).toEqual([1, 1, 1]);
    expect(once.running(db, 'k')).toBe(false);
    expect(await once.get(db, 'k', () => (loads++, Promise.resolve(3)))).toBe(3);
    expect(loads).toBe(2);
  });
});
