// What the chaos test compares at the end: bosun's intents, fills and positions against the simulator's
// orders, executions and positions, reduced to plain values the assertions can show when they fail.
import type { Db } from '../../src/db/client.js';
import { listFills, listPositions } from '../../src/db/repos/positions.js';
import { intents, riskDecisions } from '../../src/db/schema/index.js';
import { dec, ZERO } from '../../src/domain/decimal.js';
import type { SimHandle } from '../../src/exchange/sim/index.js';

export const UNFINISHED = ['pending-risk', 'approved', 'awaiting-approval', 'submitted'] as const;

export interface IntentOutcome {
  id: number;
  ref: string;
  status: string;
  reason: string | null;
  /** Risk approved it, so an order was owed. */
  approved: boolean;
  /** Decisions taken again because the venue had not seen its order (a resend). */
  rejudged: number;
  venueOrders: number;
  venueOrdersFilled: number;
}

export async function intentOutcomes(db: Db, sim: SimHandle): Promise<IntentOutcome[]> {
  const rows = await db.select().from(intents).orderBy(intents.id);
  const decisions = await db
    .select({ id: riskDecisions.intentId, outcome: riskDecisions.outcome, inputs: riskDecisions.inputs })
    .from(riskDecisions);
  const approvedIds = new Set(decisions.filter((d) => d.outcome === 'approved').map((d) => d.id));
  const rejudged = (id: number) =>
    decisions.filter((d) => d.id === id && JSON.stringify(d.inputs).includes('judged again')).length;
  const orders = sim.state.orders();
  return rows.map((i) => {
    const mine = orders.filter((o) => o.orderLinkId.startsWith(`bsn-${i.ref}-`));
    return {
      id: i.id,
      ref: i.ref,
      status: i.status,
      reason: i.reason,
      approved: approvedIds.has(i.id),
      rejudged: rejudged(i.id),
      venueOrders: mine.length,
      venueOrdersFilled: mine.filter((o) => dec(o.cumExecQty).gt(ZERO)).length,
    };
  });
}

export async function unfinishedCount(db: Db): Promise<number> {
  const rows = await db.select({ status: intents.status }).from(intents);
  return rows.filter((r) => (UNFINISHED as readonly string[]).includes(r.status)).length;
}

/** "execId qty@price fee" for every trade, sorted: the database's and the exchange's. */
export async function fillLines(db: Db, sim: SimHandle): Promise<{ ours: string[]; venue: string[] }> {
  const ours = (await listFills(db))
    .filter((f) => f.execType === 'Trade')
    .map((f) => `${f.execId} ${f.side} ${f.qty.toFixed()}@${f.price.toFixed()} fee ${f.fee.toFixed()}`);
  const venue = sim.state
    .executions()
    .filter((e) => e.execType === 'Trade')
    .map((e) => `${e.execId} ${e.side} ${e.execQty}@${e.execPrice} fee ${e.execFee}`);
  return { ours: ours.sort(), venue: venue.sort() };
}

export interface PositionSizes {
  /** The positions table. */
  ours: string;
  /** Signed sum of our recorded fills: what the position is if no repair was needed. */
  fromFills: string;
  venue: string;
}

export async function positionSizes(db: Db, sim: SimHandle, symbol: string): Promise<PositionSizes> {
  const pos = (await listPositions(db)).find((p) => p.symbol === symbol && p.category === 'linear');
  const fromFills = (await listFills(db, { symbol }))
    .filter((f) => f.execType === 'Trade' && f.category === 'linear')
    .reduce((s, f) => (f.side === 'Buy' ? s.plus(f.qty) : s.minus(f.qty)), ZERO);
  const v = sim.state.positions().find((p) => p.symbol === symbol);
  const size = v ? dec(v.size || '0') : ZERO;
  const venue = v?.side === 'Sell' ? size.neg() : size;
  return { ours: (pos?.size ?? ZERO).toFixed(), fromFills: fromFills.toFixed(), venue: venue.toFixed() };
}

/** Tally of values, e.g. failure reasons: "reason ×3; other ×1". */
export function tally(values: readonly string[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([k, n]) => `${k} ×${n}`).join('; ') || 'none';
}
