// Folding fills in venue order. Fills reach us by several paths (the private stream, REST pulls after a
// send, reconciliation) in several processes, so one can arrive after a later one has been folded. The
// position depends on the order (which fill closed at which price), so such a fill is folded by replaying
// from the snapshot kept on the first later fill: the result equals the venue-order fold to the last digit.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { Decimal, ZERO } from '../../domain/decimal.js';
import type { Fill } from '../../domain/fill.js';
import { fillFromStored } from '../../domain/fill.js';
import {
  AVG_PRICE_DECIMALS,
  applyFill,
  emptyPosition,
  type Position,
  type PositionInstrument,
} from '../../domain/position.js';
import { tradeStep } from '../../domain/trade-result.js';
import type { Db } from '../client.js';
import { fills } from '../schema/index.js';
import type { PositionSnapshot } from '../schema/types.js';

/** A position with the trade base (net level where the open round trip started), as a fills row keeps it. */
export interface BookState {
  readonly position: Position;
  readonly tradeBase: Decimal;
}

/**
 * Realized PnL and cost basis as the columns keep them. A partial close at the 18-place average leaves
 * more places than that; rounding as if the closed cost had been rounded up (cost basis down; realized
 * down for a long, up for a short) keeps realized − side × cost basis exact, so a trade's result depends
 * only on the fills (Postgres's round-to-nearest could store a break-even trade as a loss of 1e-18).
 */
export function storedBooks(p: Position): { realizedPnl: Decimal; costBasis: Decimal } {
  const realizedMode = p.size.isNegative() ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR;
  return {
    realizedPnl: p.realizedPnl.toDecimalPlaces(AVG_PRICE_DECIMALS, realizedMode),
    costBasis: p.costBasis.toDecimalPlaces(AVG_PRICE_DECIMALS, Decimal.ROUND_FLOOR),
  };
}

/** A position's stored columns (a positions row; a snapshot is the same with strings). */
export function positionColumns(p: Position) {
  return {
    size: p.size,
    avgEntry: p.avgEntryPrice ?? ZERO,
    ...storedBooks(p),
    fees: p.fees,
    otherFees: Object.fromEntries([...p.otherFees].map(([k, d]) => [k, d.toFixed()])),
    funding: p.funding,
    fillCount: p.fillCount,
    openedAt: p.openedAt,
  };
}

export function toSnapshot(s: BookState): PositionSnapshot {
  const c = positionColumns(s.position);
  return {
    ...c,
    size: c.size.toFixed(),
    avgEntry: c.avgEntry.toFixed(),
    costBasis: c.costBasis.toFixed(),
    realizedPnl: c.realizedPnl.toFixed(),
    fees: c.fees.toFixed(),
    funding: c.funding.toFixed(),
    tradeBase: s.tradeBase.toFixed(),
  };
}

/** The money columns of a stored position (a positions row, or a snapshot read back). */
export interface StoredPosition {
  readonly size: Decimal;
  readonly avgEntry: Decimal;
  readonly costBasis: Decimal;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  readonly otherFees: Record<string, string>;
  readonly funding: Decimal;
  readonly fillCount: number;
  readonly openedAt: number | null;
  readonly updatedAt: number | null;
}

/** A position as its columns store it. */
export function storedPosition(inst: PositionInstrument, r: StoredPosition): Position {
  return {
    ...emptyPosition(inst),
    size: r.size,
    avgEntryPrice: r.size.isZero() ? null : r.avgEntry,
    costBasis: r.costBasis,
    realizedPnl: r.realizedPnl,
    fees: r.fees,
    otherFees: new Map(Object.entries(r.otherFees).map(([k, v]) => [k, new Decimal(v)])),
    funding: r.funding,
    netRealizedPnl: r.realizedPnl.minus(r.fees).plus(r.funding),
    fillCount: r.fillCount,
    openedAt: r.openedAt,
    updatedAt: r.updatedAt,
  };
}

export function fromSnapshot(
  inst: PositionInstrument,
  s: PositionSnapshot,
  updatedAt: number | null,
): BookState {
  const d = (x: string) => new Decimal(x);
  return {
    position: storedPosition(inst, {
      ...s,
      size: d(s.size),
      avgEntry: d(s.avgEntry),
      costBasis: d(s.costBasis),
      realizedPnl: d(s.realizedPnl),
      fees: d(s.fees),
      funding: d(s.funding),
      updatedAt,
    }),
    tradeBase: d(s.tradeBase),
  };
}

/** The venue-order position of a fill: time, then the venue's sequence when both sides have one. */
export interface VenueKey {
  readonly id: number;
  readonly ts: number;
  readonly seq: number | null;
}

type FillRow = typeof fills.$inferSelect;

/** Stored non-funding fills of the instrument that the venue executed after `key`, in venue order. */
export async function fillsAfter(tx: Db, inst: PositionInstrument, key: VenueKey): Promise<FillRow[]> {
  const later =
    key.seq === null
      ? sql`${fills.execTime} > ${key.ts}`
      : sql`(${fills.execTime} > ${key.ts} or (${fills.execTime} = ${key.ts} and ${fills.execSeq} > ${key.seq}))`;
  return tx
    .select()
    .from(fills)
    .where(
      and(
        eq(fills.category, inst.category),
        eq(fills.symbol, inst.symbol),
        ne(fills.execType, 'Funding'),
        ne(fills.id, key.id),
        later,
      ),
    )
    .orderBy(asc(fills.execTime), sql`${fills.execSeq} asc nulls last`, asc(fills.id));
}

export interface ReplayStep {
  readonly id: number;
  readonly before: PositionSnapshot | null;
  readonly folded: boolean;
  readonly tradePnl: Decimal | null;
}

export interface ReplayResult {
  readonly state: BookState;
  readonly steps: ReplayStep[];
  /** Whether the arriving fill itself folded (false: it stays unfolded, as it would have in order). */
  readonly arrivedFolded: boolean;
  /** The price of the last fill folded in venue order: the freshest mark the fills give. */
  readonly lastPrice: Decimal;
}

/**
 * Replay `arrived` and the later fills from the state before the first later fill that was folded (or from
 * `current` when none was). A later fill folded before snapshots existed is inside that state already and
 * is skipped; one that could not be folded is tried again, since its predecessor may be what it lacked.
 */
export function replay(
  inst: PositionInstrument,
  current: BookState,
  arrived: { id: number; fill: Fill },
  later: readonly FillRow[],
): ReplayResult {
  const anchor = later.find((r) => r.folded && r.posBefore);
  let state = anchor?.posBefore ? fromSnapshot(inst, anchor.posBefore, current.position.updatedAt) : current;
  const steps: ReplayStep[] = [];
  let arrivedFolded = false;
  let lastPrice = arrived.fill.price;
  const queue: { id: number; fill: Fill | null }[] = [
    arrived,
    ...later.filter((r) => !(r.folded && !r.posBefore)).map((r) => ({ id: r.id, fill: fillFromStored(r) })),
  ];
  for (const { id, fill } of queue) {
    const before = toSnapshot(state);
    const r = fill ? applyFill(state.position, fill) : null;
    if (!r?.ok || !fill) {
      steps.push({ id, before: null, folded: false, tradePnl: null });
      continue;
    }
    const step = tradeStep(state.position, r.position, state.tradeBase);
    steps.push({ id, before, folded: true, tradePnl: step.closedPnl });
    if (id === arrived.id) arrivedFolded = true;
    lastPrice = fill.price;
    // Round through the columns after every step, exactly as folding one stored fill at a time would.
    state = fromSnapshot(
      inst,
      toSnapshot({ position: r.position, tradeBase: step.base }),
      r.position.updatedAt,
    );
  }
  // Funding is booked apart from trades and adds up in any order: keep what is booked now.
  const position = {
    ...state.position,
    funding: current.position.funding,
    netRealizedPnl: state.position.realizedPnl.minus(state.position.fees).plus(current.position.funding),
  };
  return { state: { position, tradeBase: state.tradeBase }, steps, arrivedFolded, lastPrice };
}
