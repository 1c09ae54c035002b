// The kernel's state in Postgres: every decision (what an event changed: intents, orders, protections, risk
// decisions) written in one transaction before anything is sent, once per event, and the snapshot a
// process rebuilds a kernel from when it takes over the account.
import { and, asc, eq, isNotNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Decimal } from '../../domain/decimal.js';
import { fillFromStored } from '../../domain/fill.js';
import type { Category } from '../../domain/instrument.js';
import { TERMINAL_ORDER_STATUSES } from '../../domain/order-status.js';
import type { KernelChanges, KernelSnapshot } from '../../kernel/kernel.js';
import type { Denial } from '../../risk/types.js';
import type { Db } from '../client.js';
import {
  bookProtections,
  fills,
  intents,
  kernelEpoch,
  orders,
  riskDecisions,
  UNFINISHED_INTENT_STATUSES_SQL,
} from '../schema/index.js';
import { claimKey } from './idempotency.js';
import { adoptUnbookedRows } from './kernel-books.js';
import {
  intentFromRow,
  intentValues,
  orderFromRow,
  orderValues,
  protectionFromRow,
  protectionValues,
} from './kernel-codec.js';
import { getTradingState } from './trading-state.js';

/** A risk decision to keep with the intent it judged (risk_decisions), shown with the intent in chat. */
export interface KernelRiskDecision {
  readonly intentRef: string;
  readonly outcome: 'approved' | 'denied';
  readonly qty?: Decimal | null;
  readonly price?: Decimal | null;
  readonly notional?: Decimal | null;
  readonly reasons?: readonly Denial[];
  readonly inputs?: Record<string, unknown>;
}

export interface KernelWrite {
  /** One key per event (a bar's series and open time, a report's ref and exec id, an operator command id). */
  readonly eventKey: string;
  readonly changes: KernelChanges;
  readonly riskDecisions?: readonly KernelRiskDecision[];
  /** The kernel's clock at the event; a rebuilt kernel starts from the latest one written. */
  readonly now?: number;
  /**
   * The epoch this process last wrote or restored at. When another process has decided since, nothing is
   * written (`stale`): this process no longer stands where the account does and must rebuild first.
   */
  readonly expectEpoch?: number;
  /** Told the row id of every intent written, by ref (what chat shows as "intent #12"). */
  readonly onIntentIds?: (ids: ReadonlyMap<string, number>) => void;
}

export interface KernelWriteResult {
  readonly written: boolean;
  /** The account's decision counter after this call. */
  readonly epoch: number;
  /** Set when nothing was written because `expectEpoch` no longer held. */
  readonly stale?: true;
}

/** The idempotency key row of an event's decision. */
export const kernelEventKey = (eventKey: string): string => `kernel:${eventKey}`;

/** `excluded.<column>`: the value an upsert was about to insert. */
function excluded(c: AnyPgColumn): SQL {
  return sql.raw(`excluded."${c.name}"`);
}

/** The epoch row, locked for the rest of the transaction (created on a database that has none). */
async function lockEpoch(tx: Db): Promise<{ epoch: number; clock: number }> {
  const read = () => tx.select().from(kernelEpoch).where(eq(kernelEpoch.id, 1)).for('update');
  let [row] = await read();
  if (!row) {
    await tx.insert(kernelEpoch).values({ id: 1 }).onConflictDoNothing();
    [row] = await read();
  }
  return { epoch: row?.epoch ?? 0, clock: row?.clock ?? 0 };
}

/** The account's decision counter now (0 before the first decision). */
export async function kernelEpochNow(db: Db): Promise<number> {
  const [row] = await db.select({ epoch: kernelEpoch.epoch }).from(kernelEpoch).where(eq(kernelEpoch.id, 1));
  return row?.epoch ?? 0;
}

/**
 * Write what one event changed, in one transaction (a savepoint when `db` is already a transaction), once
 * per `eventKey`: a second call with the same key writes nothing. Decisions are serialised on the epoch
 * row, so the epoch returned numbers them in the order they were written.
 */
export async function writeKernelChanges(db: Db, w: KernelWrite): Promise<KernelWriteResult> {
  return db.transaction(async (tx) => {
    const current = await lockEpoch(tx);
    if (w.expectEpoch !== undefined && w.expectEpoch !== current.epoch)
      return { written: false, epoch: current.epoch, stale: true };
    const epoch = current.epoch + 1;
    if (!(await claimKey(tx, kernelEventKey(w.eventKey), 'kernel-event', { epoch })))
      return { written: false, epoch: current.epoch };
    const intentIds = await writeIntents(tx, w.changes.intents);
    await writeOrders(tx, w.changes.orders);
    await writeProtections(tx, w.changes.protections);
    if (w.riskDecisions && w.riskDecisions.length > 0) await writeRiskDecisions(tx, w.riskDecisions);
    await tx
      .update(kernelEpoch)
      .set({ epoch, clock: Math.max(current.clock, w.now ?? 0), updatedAt: sql`now()` })
      .where(eq(kernelEpoch.id, 1));
    w.onIntentIds?.(intentIds);
    return { written: true, epoch };
  });
}

async function writeIntents(tx: Db, list: KernelChanges['intents']): Promise<Map<string, number>> {
  if (list.length === 0) return new Map();
  const c = intents;
  const rows = await tx
    .insert(intents)
    .values(list.map(intentValues))
    .onConflictDoUpdate({
      target: c.ref,
      set: {
        attempt: excluded(c.attempt),
        status: excluded(c.status),
        reason: excluded(c.reason),
        qty: excluded(c.qty),
        limitPrice: excluded(c.limitPrice),
        filled: excluded(c.filled),
        plan: excluded(c.plan),
        denials: excluded(c.denials),
        updatedAt: sql`now()`,
      },
    })
    .returning({ id: c.id, ref: c.ref });
  return new Map(rows.map((r) => [r.ref, r.id]));
}

async function writeOrders(tx: Db, list: KernelChanges['orders']): Promise<void> {
  if (list.length === 0) return;
  const c = orders;
  const values = list.map((o) => ({
    ...orderValues(o),
    // Stops and take-profits belong to a book, not an intent ('' ref).
    intentId:
      o.order.intentRef === ''
        ? null
        : sql`(select ${intents.id} from ${intents} where ${intents.ref} = ${o.order.intentRef})`,
  }));
  await tx
    .insert(orders)
    .values(values)
    .onConflictDoUpdate({
      target: c.orderLinkId,
      set: {
        qty: excluded(c.qty),
        price: excluded(c.price),
        reduceOnly: excluded(c.reduceOnly),
        status: excluded(c.status),
        cumQty: excluded(c.cumQty),
        triggerPrice: excluded(c.triggerPrice),
        triggerDirection: excluded(c.triggerDirection),
        expiresAt: excluded(c.expiresAt),
        cancelReason: excluded(c.cancelReason),
        updatedAt: sql`now()`,
      },
    });
}

async function writeProtections(tx: Db, list: KernelChanges['protections']): Promise<void> {
  if (list.length === 0) return;
  const c = bookProtections;
  await tx
    .insert(bookProtections)
    .values(list.map(protectionValues))
    .onConflictDoUpdate({
      target: [c.book, c.category, c.symbol],
      set: {
        stopSpec: excluded(c.stopSpec),
        takeProfitSpec: excluded(c.takeProfitSpec),
        trailingSpec: excluded(c.trailingSpec),
        stopPrice: excluded(c.stopPrice),
        takeProfitPrice: excluded(c.takeProfitPrice),
        bestPrice: excluded(c.bestPrice),
        stopRef: excluded(c.stopRef),
        takeProfitRef: excluded(c.takeProfitRef),
        updatedAt: sql`now()`,
      },
    });
}

async function writeRiskDecisions(tx: Db, list: readonly KernelRiskDecision[]): Promise<void> {
  await tx.insert(riskDecisions).values(
    list.map((d) => ({
      intentId: sql`(select ${intents.id} from ${intents} where ${intents.ref} = ${d.intentRef})`,
      outcome: d.outcome,
      qty: d.qty ?? null,
      price: d.price ?? null,
      notional: d.notional ?? null,
      reasons: (d.reasons ?? []).map((r) => ({ check: r.check, reason: r.reason })),
      inputs: d.inputs ?? {},
    })),
  );
}

/** An instrument the kernel trades: rows of other symbols are left out of its snapshot. */
export interface SnapshotInstrument {
  readonly category: Category;
  readonly symbol: string;
}

function onInstruments(
  cols: { category: AnyPgColumn; symbol: AnyPgColumn },
  list: readonly SnapshotInstrument[] | undefined,
): SQL | undefined {
  if (!list) return undefined;
  if (list.length === 0) return sql`false`;
  return or(...list.map((i) => and(eq(cols.category, i.category), eq(cols.symbol, i.symbol))));
}

export type LoadedKernelSnapshot = KernelSnapshot & { readonly epoch: number };

/**
 * What a process reads to take over the account: every book's fills in venue order (execution time, then
 * the venue's sequence), unfinished intents, orders still open, protections, the trading state, the kernel
 * clock and the epoch it stands at. Read under a share lock on the epoch row, so no decision is written
 * half-way through; rows the legacy engine wrote without a book are given theirs first.
 */
export async function loadKernelSnapshot(
  db: Db,
  instruments?: readonly SnapshotInstrument[],
): Promise<LoadedKernelSnapshot> {
  return db.transaction(async (tx) => {
    await adoptUnbookedRows(tx);
    const [e] = await tx.select().from(kernelEpoch).where(eq(kernelEpoch.id, 1)).for('share');
    const fillRows = await tx
      .select()
      .from(fills)
      .where(and(isNotNull(fills.book), ne(fills.execType, 'Funding'), onInstruments(fills, instruments)))
      .orderBy(asc(fills.execTime), sql`${fills.execSeq} asc nulls last`, asc(fills.id));
    const intentRows = await tx
      .select()
      .from(intents)
      .where(
        and(
          isNotNull(intents.book),
          sql`${intents.status} in ${UNFINISHED_INTENT_STATUSES_SQL}`,
          onInstruments(intents, instruments),
        ),
      )
      .orderBy(asc(intents.id));
    const orderRows = await tx
      .select({ order: orders, intentRef: intents.ref })
      .from(orders)
      .leftJoin(intents, eq(intents.id, orders.intentId))
      .where(
        and(
          isNotNull(orders.book),
          notInArray(orders.status, [...TERMINAL_ORDER_STATUSES]),
          onInstruments(orders, instruments),
        ),
      )
      .orderBy(asc(orders.id));
    const protRows = await tx
      .select()
      .from(bookProtections)
      .where(onInstruments(bookProtections, instruments));
    const state = await getTradingState(tx);
    const snapshotFills: {
      book: string;
      category: Category;
      fill: NonNullable<ReturnType<typeof fillFromStored>>;
    }[] = [];
    for (const r of fillRows) {
      const fill = fillFromStored(r);
      if (fill && r.book) snapshotFills.push({ book: r.book, category: r.category as Category, fill });
    }
    return {
      fills: snapshotFills,
      intents: intentRows.map(intentFromRow),
      orders: orderRows.map((r) => orderFromRow(r.order, r.intentRef)),
      protections: protRows.map(protectionFromRow),
      tradingState: state.state,
      now: e?.clock ?? 0,
      epoch: e?.epoch ?? 0,
    };
  });
}
