// The kernel's persistence on Postgres and embedded PGlite: a real kernel (journal on) trades an entry with
// stop, take-profit and trailing stop, a manual buy, a partial exit and a resting limit add; each event's
// changes are written once; a second kernel rebuilt from the database stands where the first one stood
// and answers the next events with the same commands.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/db/client.js';
import { bookPositions } from '../../src/db/repos/kernel-books.js';
import { recordBookFill } from '../../src/db/repos/kernel-books.js';
import { kernelEpochNow, loadKernelSnapshot, writeKernelChanges } from '../../src/db/repos/kernel-store.js';
import { setTradingState } from '../../src/db/repos/trading-state.js';
import { fills, intents, orders } from '../../src/db/schema/index.js';
import { Decimal, dec } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import { isFinalIntentStatus } from '../../src/kernel/intent-transitions.js';
import {
  Kernel,
  type IntentState,
  type KernelChanges,
  type OrderState,
  type ProtectionRecord,
} from '../../src/kernel/kernel.js';
import type { BarEvent, Command, KernelConfig, KernelOrder } from '../../src/kernel/types.js';
import type { Bar } from '../../src/sdk/types.js';
import { freshPgDb, freshPgliteDb } from '../helpers/db.js';
import { autoApprovals, instanceOf, instrument, limits, MIN, scripted, T0 } from '../helpers/kernel.js';

const BTC = instrument('BTCUSDT');
const SERIES = { category: 'linear', symbol: 'BTCUSDT', interval: '1' } as const;

/** Decimals as their exact strings, maps as entries, keys sorted: what "stands at the same place" compares. */
function plain(x: unknown): unknown {
  if (x instanceof Decimal) return `D:${x.toFixed()}`;
  if (x instanceof Map) return [...x.entries()].map(plain);
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.entries(x)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, plain(v)]),
    );
  return x;
}

function config(): KernelConfig {
  const strategy = scripted('trailer', {
    0: (c) => c.enterLong({ stop: { pct: 2 }, takeProfit: { price: dec('120') }, trailing: { pct: 1 } }),
    3: (c) => c.exit({ fraction: 0.5, reason: 'half off' }),
    5: (c) => c.add({ type: 'limit', price: { pct: 1 }, timeoutBars: 3, requotes: 1, sizeFactor: 0.5 }),
  });
  return {
    instances: [instanceOf('trailer-1', strategy)],
    instruments: [BTC],
    limits: limits(),
    approvals: autoApprovals(),
    approvalTtlMs: 120_000,
    quoteCoin: 'USDT',
    startingCash: dec('100000'),
    journal: true,
  };
}

/** A counter of refs a restored kernel can continue from, so both kernels name new orders alike. */
function refs(start = 0) {
  const r = { n: start, next: () => `r${++r.n}` };
  return r;
}

function barAt(i: number, close: number): BarEvent {
  const bar: Bar = { openTime: T0 + i * MIN, open: close, high: close, low: close, close, volume: 1 };
  return { series: SERIES, bar, closedAt: T0 + (i + 1) * MIN };
}

function placed(cmds: readonly Command[]): KernelOrder[] {
  return cmds.flatMap((c) => (c.kind === 'place' ? [c.order] : []));
}

let execN = 0;
function fillOf(o: KernelOrder, price: string, ts: number, qty: Decimal = o.qty): Fill {
  execN += 1;
  return {
    tradeId: `exec-${execN}`,
    orderLinkId: o.ref,
    symbol: o.symbol,
    side: o.side,
    qty,
    price: dec(price),
    fee: qty.mul(dec(price)).mul(dec('0.00055')),
    feeCurrency: 'USDT',
    ts,
  };
}

/** Everything the journal said, latest per key: what the database must hold. */
class Mirror {
  readonly intents = new Map<string, IntentState>();
  readonly orders = new Map<string, OrderState>();
  readonly protections = new Map<string, ProtectionRecord>();
  add(c: KernelChanges): void {
    for (const it of c.intents) this.intents.set(it.ref, it);
    for (const o of c.orders) this.orders.set(o.order.ref, o);
    for (const p of c.protections) this.protections.set(`${p.book}|${p.category}|${p.symbol}`, p);
  }
}

function ledger(k: Kernel) {
  return plain(
    [...k.account.ledger.entries()]
      .map(({ book, position: p }) => ({
        book,
        symbol: p.symbol,
        size: p.size,
        avgEntry: p.avgEntryPrice,
        realizedPnl: p.realizedPnl,
        fees: p.fees,
        fillCount: p.fillCount,
        openedAt: p.openedAt,
      }))
      .sort((a, b) => a.book.localeCompare(b.book)),
  );
}

const byRef = <T extends { ref: string }>(a: T, b: T) => a.ref.localeCompare(b.ref);

function openIntents(k: Kernel) {
  return plain([...k.intents.values()].filter((it) => !isFinalIntentStatus(it.status)).sort(byRef));
}

describe.each([
  ['postgres', freshPgDb],
  ['pglite', freshPgliteDb],
] as const)('kernel store on %s', (_kind, make) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('writes every decision once, and a kernel rebuilt from the database stands where the first stood', async () => {
    const { db } = h;
    execN = 0;
    const r1 = refs();
    const k1 = new Kernel(config(), r1.next);
    const mirror = new Mirror();
    const fed: BarEvent[] = [];
    let lastEpoch = 0;

    /** One event: its commands, and its changes written (with the fills it reported) in one transaction. */
    async function decide(
      eventKey: string,
      now: number,
      run: () => Command[],
      fill?: { book: string; fill: Fill },
    ): Promise<Command[]> {
      const cmds = run();
      const changes = k1.takeChanges();
      mirror.add(changes);
      const res = await db.transaction(async (tx) => {
        if (fill) {
          const r = await recordBookFill(tx, {
            book: fill.book,
            category: 'linear',
            fill: fill.fill,
            instrument: BTC,
          });
          expect(r.kind).toBe('recorded');
        }
        return writeKernelChanges(tx, { eventKey, changes, now, expectEpoch: lastEpoch });
      });
      expect(res).toEqual({ written: true, epoch: lastEpoch + 1 });
      lastEpoch = res.epoch;
      return cmds;
    }
    const bar = (i: number, close: number) => {
      const ev = barAt(i, close);
      fed.push(ev);
      return decide(`bar:linear:BTCUSDT:1:${ev.bar.openTime}`, ev.closedAt, () => k1.onBar(ev));
    };
    const report = (o: KernelOrder, f: Fill, now: number) =>
      decide(`fill:${f.tradeId}`, now, () => k1.onReport({ kind: 'fill', ref: o.ref, fill: f }, now), {
        book: o.book,
        fill: f,
      });

    // Entry at the close of bar 0, filled at 100.5: stop 2 % under (98.5), take-profit at 120.
    const [entry] = placed(await bar(0, 100));
    if (!entry) throw new Error('no entry placed');
    expect(entry).toMatchObject({ book: 'trailer-1', purpose: 'entry', qty: dec('10') });
    const protect = placed(await report(entry, fillOf(entry, '100.5', T0 + MIN + 5), T0 + MIN + 10));
    expect(protect.map((o) => [o.purpose, o.trigger?.price.toFixed()])).toEqual([
      ['stop', '98.5'],
      ['take-profit', '120'],
    ]);
    // The operator buys 0.05 by chat: the manual book, not the strategy's.
    const now3 = T0 + MIN + 20;
    const [manual] = placed(
      await decide('op:1', now3, () =>
        k1.onOperator(
          { kind: 'trade', category: 'linear', symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.05'), by: 'ann' },
          now3,
        ),
      ),
    );
    if (!manual) throw new Error('no manual order');
    expect(manual.book).toBe('manual');
    await report(manual, fillOf(manual, '100.6', now3 + 1), now3 + 2);
    // The trailing stop follows the closes up (amends), then half the book is sold.
    const trail1 = await bar(1, 101);
    expect(trail1).toContainEqual(expect.objectContaining({ kind: 'amend', triggerPrice: dec('100') }));
    await bar(2, 102);
    const [exit] = placed(await bar(3, 102));
    if (!exit) throw new Error('no exit placed');
    expect(exit).toMatchObject({ purpose: 'exit', qty: dec('5'), reduceOnly: true, book: 'trailer-1' });
    const resized = await report(exit, fillOf(exit, '102', T0 + 4 * MIN + 5), T0 + 4 * MIN + 6);
    expect(
      resized.filter((c) => c.kind === 'amend').map((c) => c.kind === 'amend' && c.qty?.toFixed()),
    ).toEqual(['5', '5']);
    await bar(4, 103);
    // A resting limit add, 1 % under the close: still open when the process stops.
    const [limit] = placed(await bar(5, 103));
    if (!limit) throw new Error('no limit add placed');
    expect(limit).toMatchObject({ purpose: 'add', type: 'Limit', price: dec('101.9') });

    // The database holds the books, without refolding anything.
    const books = await bookPositions(db);
    expect(books.map((b) => [b.symbol, b.net.toFixed(), b.markPrice?.toFixed()])).toEqual([
      ['BTCUSDT', '5.05', '102'],
    ]);
    expect(books[0]?.books.map((b) => [b.book, b.size.toFixed(), b.avgEntry?.toFixed()])).toEqual([
      ['manual', '0.05', '100.6'],
      ['trailer-1', '5', '100.5'],
    ]);
    const strategyBook = books[0]?.books.find((b) => b.book === 'trailer-1');
    // Half of 10 sold at 102 over 100.5: 7.5 realized, fees of the entry and the exit charged.
    expect(strategyBook?.realizedPnl.toFixed()).toBe('7.5');
    expect(strategyBook?.fees.toFixed()).toBe(dec('1005').plus(dec('510')).mul(dec('0.00055')).toFixed());

    // Take over: a new kernel from the snapshot, its strategies warmed up on the bars seen.
    const snap = await loadKernelSnapshot(db, [BTC]);
    expect(snap.epoch).toBe(lastEpoch);
    expect(snap.fills.map((f) => [f.book, f.fill.tradeId])).toEqual([
      ['trailer-1', 'exec-1'],
      ['manual', 'exec-2'],
      ['trailer-1', 'exec-3'],
    ]);
    const wantOrders = [...mirror.orders.values()]
      .filter((o) => o.open)
      .sort((a, b) => byRef(a.order, b.order));
    expect(plain([...snap.orders].sort((a, b) => byRef(a.order, b.order)))).toEqual(plain(wantOrders));
    expect(snap.orders.map((o) => o.order.purpose).sort()).toEqual(['add', 'stop', 'take-profit']);
    const wantIntents = [...mirror.intents.values()]
      .filter((it) => !isFinalIntentStatus(it.status))
      .sort(byRef);
    expect(plain([...snap.intents].sort(byRef))).toEqual(plain(wantIntents));
    expect(plain(snap.protections)).toEqual(plain([...mirror.protections.values()]));

    const r2 = refs(r1.n);
    const k2 = new Kernel(config(), r2.next);
    k2.restore(snap);
    for (const ev of fed) k2.warmUp(ev);
    expect(ledger(k2)).toEqual(ledger(k1));
    expect(plain(k2.openOrders().sort(byRef))).toEqual(plain(k1.openOrders().sort(byRef)));
    expect(openIntents(k2)).toEqual(openIntents(k1));
    k1.takeChanges();
    k2.takeChanges();

    // The next events get the same answers: the trail moves, the limit times out and is re-quoted, fills.
    const same = (run: (k: Kernel) => Command[]) => {
      const a = run(k1);
      const b = run(k2);
      expect(plain(b)).toEqual(plain(a));
      return a;
    };
    same((k) => k.onBar(barAt(6, 104)));
    same((k) => k.onBar(barAt(7, 104)));
    const cancels = same((k) => k.onBar(barAt(8, 104)));
    expect(cancels).toContainEqual(expect.objectContaining({ kind: 'cancel', ref: limit.ref }));
    const requote = same((k) =>
      k.onReport(
        { kind: 'ended', ref: limit.ref, status: 'Cancelled', reason: 'cancelled' },
        T0 + 9 * MIN + 1,
      ),
    );
    const [again] = placed(requote);
    if (!again) throw new Error('the limit was not re-quoted');
    const f = fillOf(again, '102.9', T0 + 9 * MIN + 2);
    const afterFill = same((k) => k.onReport({ kind: 'fill', ref: again.ref, fill: f }, T0 + 9 * MIN + 3));
    expect(afterFill.some((c) => c.kind === 'amend')).toBe(true);
    same((k) => k.onBar(barAt(9, 90)));
    expect(ledger(k2)).toEqual(ledger(k1));
  });

  it('writes nothing for an event key it has written, nor after another process decided', async () => {
    const { db } = h;
    const before = await kernelEpochNow(db);
    // The resting add of the first test, still open in the database.
    const [open] = (await loadKernelSnapshot(db)).intents;
    if (!open) throw new Error('no open intent stored by the first test');
    const [row] = await db.select().from(intents).where(eq(intents.ref, open.ref));
    if (!row) throw new Error('the open intent has no row');
    const changed: IntentState = { ...open, status: 'failed', reason: 'replayed' };
    const dup = await writeKernelChanges(db, {
      eventKey: 'op:1',
      changes: { intents: [changed], orders: [], protections: [] },
    });
    expect(dup).toEqual({ written: false, epoch: before });
    const [still] = await db.select().from(intents).where(eq(intents.ref, row.ref));
    expect(still?.status).toBe(row.status);
    expect(await kernelEpochNow(db)).toBe(before);

    const stale = await writeKernelChanges(db, {
      eventKey: 'op:2',
      changes: { intents: [changed], orders: [], protections: [] },
      expectEpoch: before - 1,
    });
    expect(stale).toEqual({ written: false, epoch: before, stale: true });
    const [unchanged] = await db.select().from(intents).where(eq(intents.ref, row.ref));
    expect(unchanged?.status).toBe(row.status);
    // The key was not used up by the refused write: the process that rebuilt may still write it.
    const fresh = await writeKernelChanges(db, {
      eventKey: 'op:2',
      changes: { intents: [], orders: [], protections: [] },
      expectEpoch: before,
    });
    expect(fresh).toEqual({ written: true, epoch: before + 1 });
  });

  it('takes the trading state, orders and fills of other symbols are left out of the snapshot', async () => {
    const { db } = h;
    await setTradingState(db, 'REDUCING', 'test', 'ann');
    const snap = await loadKernelSnapshot(db, [{ category: 'linear', symbol: 'ETHUSDT' }]);
    expect(snap.tradingState).toBe('REDUCING');
    expect(snap.fills).toEqual([]);
    expect(snap.orders).toEqual([]);
    const all = await db.select({ book: fills.book }).from(fills);
    expect(all.length).toBeGreaterThan(0);
    const open = await db.select({ status: orders.status }).from(orders).where(eq(orders.book, 'trailer-1'));
    expect(open.length).toBeGreaterThan(0);
  });
});
