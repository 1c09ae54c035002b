// Positions and fills: a fill is stored once (unique exec id) and, only when newly stored, folded into
// the position in the same transaction — so a fill delivered by the stream and again by REST counts once.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Decimal } from '../../domain/decimal.js';
import { ZERO } from '../../domain/decimal.js';
import type { Fill, FundingPayment } from '../../domain/fill.js';
import type { Category } from '../../domain/instrument.js';
import {
  applyFill,
  applyFunding,
  emptyPosition,
  type Position,
  type PositionInstrument,
} from '../../domain/position.js';
import { tradeStep } from '../../domain/trade-result.js';
import { fillsAfter, positionColumns, replay, storedPosition, toSnapshot } from './fill-fold.js';
import type { Db } from '../client.js';
import { fills, positions } from '../schema/index.js';

export type FillRow = typeof fills.$inferSelect;
export type PositionRow = typeof positions.$inferSelect;

function toDomain(inst: PositionInstrument, r: PositionRow | undefined): Position {
  return r ? storedPosition(inst, { ...r, updatedAt: r.updatedAt.getTime() }) : emptyPosition(inst);
}

async function savePosition(
  tx: Db,
  p: Position,
  opts: { markPrice?: Decimal; tradeBase?: Decimal } = {},
): Promise<void> {
  const { markPrice, tradeBase } = opts;
  const v = {
    ...(tradeBase ? { tradeBase } : {}),
    ...(markPrice ? { markPrice } : {}),
    category: p.category,
    symbol: p.symbol,
    ...positionColumns(p),
  };
  await tx
    .insert(positions)
    .values(v)
    .onConflictDoUpdate({
      target: [positions.category, positions.symbol],
      set: { ...v, updatedAt: sql`now()` },
    });
}

async function lockPosition(tx: Db, inst: PositionInstrument): Promise<Position> {
  return (await lockPositionRow(tx, inst)).position;
}

async function lockPositionRow(
  tx: Db,
  inst: PositionInstrument,
): Promise<{ position: Position; tradeBase: Decimal }> {
  const lock = () =>
    tx
      .select()
      .from(positions)
      .where(and(eq(positions.category, inst.category), eq(positions.symbol, inst.symbol)))
      .for('update');
  let [r] = await lock();
  if (!r) {
    // No row to lock yet: create the empty one first, so two first fills of a symbol queue on it
    // instead of both folding onto nothing (the second insert waits for the first to commit).
    await tx
      .insert(positions)
      .values({
        category: inst.category,
        symbol: inst.symbol,
        size: ZERO,
        avgEntry: ZERO,
        realizedPnl: ZERO,
        fees: ZERO,
        funding: ZERO,
      })
      .onConflictDoNothing();
    [r] = await lock();
  }
  return { position: toDomain(inst, r), tradeBase: r?.tradeBase ?? ZERO };
}

export interface FillMeta {
  orderId: number | null;
  category: Category;
  execType: string;
  strategyInstanceId: string | null;
  /** The venue's execution sequence for the symbol, when it sends one. */
  seq?: number | undefined;
}

export type RecordFillResult =
  { kind: 'duplicate' } | { kind: 'recorded'; position: Position } | { kind: 'error'; message: string };

/**
 * Store a trade execution once and fold it into its position in venue order: in place when nothing the
 * venue executed after it is folded yet (the usual case), else by replaying the later fills after it.
 */
export async function recordFill(
  tx: Db,
  inst: PositionInstrument,
  f: Fill,
  meta: FillMeta,
): Promise<RecordFillResult> {
  // Locked first, so the row is written with the state it folds onto (no second write in the usual case).
  const current = await lockPositionRow(tx, inst);
  const inserted = await tx
    .insert(fills)
    .values({
      orderId: meta.orderId,
      execId: f.tradeId,
      orderLinkId: f.orderLinkId,
      category: meta.category,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      feeCurrency: f.feeCurrency,
      execType: meta.execType,
      isMaker: f.isMaker ?? false,
      execTime: f.ts,
      execSeq: meta.seq ?? null,
      posBefore: toSnapshot(current),
      strategyInstanceId: meta.strategyInstanceId,
    })
    .onConflictDoNothing()
    .returning({ id: fills.id });
  const row = inserted[0];
  if (!row) return { kind: 'duplicate' };
  const later = await fillsAfter(tx, inst, { id: row.id, ts: f.ts, seq: meta.seq ?? null });
  if (later.length > 0) return replayInto(tx, inst, current, { id: row.id, fill: f }, later);
  const { position: pos, tradeBase } = current;
  const r = applyFill(pos, f);
  if (!r.ok) {
    await tx.update(fills).set({ folded: false, posBefore: null }).where(eq(fills.id, row.id));
    return { kind: 'error', message: r.error.message };
  }
  const step = tradeStep(pos, r.position, tradeBase);
  if (step.closedPnl) await tx.update(fills).set({ tradePnl: step.closedPnl }).where(eq(fills.id, row.id));
  // The last trade is the freshest mark we have until the next equity snapshot refreshes it.
  await savePosition(tx, r.position, { markPrice: f.price, tradeBase: step.base });
  return { kind: 'recorded', position: r.position };
}

async function replayInto(
  tx: Db,
  inst: PositionInstrument,
  current: { position: Position; tradeBase: Decimal },
  arrived: { id: number; fill: Fill },
  later: Parameters<typeof replay>[3],
): Promise<RecordFillResult> {
  const out = replay(inst, current, arrived, later);
  for (const s of out.steps) {
    await tx
      .update(fills)
      .set({ posBefore: s.before, folded: s.folded, tradePnl: s.tradePnl })
      .where(eq(fills.id, s.id));
  }
  await savePosition(tx, out.state.position, { markPrice: out.lastPrice, tradeBase: out.state.tradeBase });
  if (!out.arrivedFolded)
    return {
      kind: 'error',
      message: `fill ${arrived.fill.tradeId} does not fit its position in venue order`,
    };
  return { kind: 'recorded', position: out.state.position };
}

/** Store a funding settlement once (as a fill row with execType Funding) and book it. */
export async function recordFunding(
  tx: Db,
  inst: PositionInstrument,
  p: FundingPayment,
): Promise<RecordFillResult> {
  const inserted = await tx
    .insert(fills)
    .values({
      orderId: null,
      execId: p.id,
      category: inst.category,
      symbol: p.symbol,
      side: p.amount.isNegative() ? 'Sell' : 'Buy',
      qty: ZERO,
      price: ZERO,
      fee: p.amount.neg(),
      feeCurrency: inst.quoteCoin,
      execType: 'Funding',
      execTime: p.ts,
      strategyInstanceId: null,
    })
    .onConflictDoNothing()
    .returning({ id: fills.id });
  if (inserted.length === 0) return { kind: 'duplicate' };
  const pos = await lockPosition(tx, inst);
  const r = applyFunding(pos, p);
  if (!r.ok) return { kind: 'error', message: r.error.message };
  await savePosition(tx, r.position);
  return { kind: 'recorded', position: r.position };
}

/** Whether an execution is already stored (the cheap answer for the second copy of a fill). */
export async function fillExists(db: Db, execId: string): Promise<boolean> {
  const r = await db.select({ id: fills.id }).from(fills).where(eq(fills.execId, execId)).limit(1);
  return r.length > 0;
}

export async function listPositions(db: Db): Promise<PositionRow[]> {
  return db.select().from(positions).orderBy(asc(positions.symbol));
}

export async function getPosition(db: Db, category: Category, symbol: string): Promise<PositionRow | null> {
  const [r] = await db
    .select()
    .from(positions)
    .where(and(eq(positions.category, category), eq(positions.symbol, symbol)));
  return r ?? null;
}

/** Reconciliation repair: the exchange's size and entry win; realized history stays ours. */
export async function overwritePositionSize(
  tx: Db,
  inst: PositionInstrument,
  size: Decimal,
  avgEntry: Decimal,
): Promise<void> {
  const pos = await lockPosition(tx, inst);
  await savePosition(tx, {
    ...pos,
    size,
    avgEntryPrice: size.isZero() ? null : avgEntry,
    costBasis: size.abs().mul(avgEntry),
  });
}

export async function listFills(db: Db, opts: { since?: number; symbol?: string } = {}): Promise<FillRow[]> {
  return db
    .select()
    .from(fills)
    .where(
      and(
        opts.since === undefined ? undefined : sql`${fills.execTime} >= ${opts.since}`,
        opts.symbol === undefined ? undefined : eq(fills.symbol, opts.symbol),
      ),
    )
    .orderBy(asc(fills.execTime), sql`${fills.execSeq} asc nulls last`, asc(fills.id));
}

/** Store the marks used for valuation (equity snapshots), so chat shows unrealized PnL. */
export async function updateMarks(db: Db, marks: ReadonlyMap<string, Decimal>): Promise<void> {
  for (const [symbol, mark] of marks) {
    await db.update(positions).set({ markPrice: mark }).where(eq(positions.symbol, symbol));
  }
}
