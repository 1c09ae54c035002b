// Read-only queries behind the chat commands: positions, orders, balances, equity, approvals, strategies,
// fills. Money comes back as Decimal (numeric columns), never as a float.
import { and, asc, count, desc, eq, gt, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import { dec, type Decimal } from '../../domain/decimal.js';
import { rows, type Db } from '../client.js';
import {
  approvals,
  approvalVotes,
  balances,
  equitySnapshots,
  fills,
  intents,
  orders,
  positions,
  riskDecisions,
  riskSettings,
  strategyInstances,
  tradingState,
} from '../schema/index.js';

/** Statuses of orders that are (or may be) live at the venue. */
export const OPEN_ORDER_STATUSES = ['PendingSubmit', 'Submitted', 'New', 'PartiallyFilled', 'PendingCancel'];

export async function openPositions(db: Db) {
  return db
    .select()
    .from(positions)
    .where(ne(positions.size, dec('0')))
    .orderBy(asc(positions.symbol));
}
export type PositionRow = Awaited<ReturnType<typeof openPositions>>[number];

/** Signed size × (mark − entry); null without a mark price. */
export function unrealizedPnl(p: PositionRow): Decimal | null {
  return p.markPrice ? p.size.mul(p.markPrice.sub(p.avgEntry)) : null;
}

export async function openOrders(db: Db) {
  return db
    .select()
    .from(orders)
    .where(inArray(orders.status, OPEN_ORDER_STATUSES))
    .orderBy(desc(orders.createdAt), desc(orders.id));
}

export async function allPositions(db: Db) {
  return db.select().from(positions).orderBy(asc(positions.symbol));
}

export async function balanceRows(db: Db) {
  return db.select().from(balances).orderBy(desc(balances.equity));
}

export async function latestEquity(db: Db) {
  const [r] = await db.select().from(equitySnapshots).orderBy(desc(equitySnapshots.ts)).limit(1);
  return r ?? null;
}

/** The last snapshot at or before `ts` (the equity at the start of a day, for today's PnL). */
export async function equityAtOrBefore(db: Db, ts: number) {
  const [r] = await db
    .select()
    .from(equitySnapshots)
    .where(lte(equitySnapshots.ts, ts))
    .orderBy(desc(equitySnapshots.ts))
    .limit(1);
  return r ?? null;
}

/** Equity at the start of a day: the last snapshot before it, else the day's first snapshot. */
export async function equityDayOpen(db: Db, dayStart: number) {
  const before = await equityAtOrBefore(db, dayStart);
  if (before) return before;
  const [first] = await db
    .select()
    .from(equitySnapshots)
    .where(gte(equitySnapshots.ts, dayStart))
    .orderBy(asc(equitySnapshots.ts))
    .limit(1);
  return first ?? null;
}

export const PNL_BUCKETS = ['day', 'week', 'month'] as const;
export type PnlBucket = (typeof PNL_BUCKETS)[number];

export interface EquityBucket {
  /** Start of the bucket, ms (UTC). */
  start: number;
  open: Decimal;
  close: Decimal;
}

/** First and last equity per UTC day/week (Monday)/month, oldest first, from `fromTs`. */
export async function equityBuckets(db: Db, bucket: PnlBucket, fromTs: number): Promise<EquityBucket[]> {
  const unit = sql.raw(`'${bucket}'`);
  const res = await db.execute(sql`
    select (extract(epoch from date_trunc(${unit}, to_timestamp(${equitySnapshots.ts} / 1000.0) at time zone 'UTC')) * 1000)::bigint as start,
           (array_agg(${equitySnapshots.equity}::text order by ${equitySnapshots.ts} asc))[1] as open,
           (array_agg(${equitySnapshots.equity}::text order by ${equitySnapshots.ts} desc))[1] as close
    from ${equitySnapshots}
    where ${equitySnapshots.ts} >= ${fromTs}
    group by 1 order by 1`);
  return rows<{ start: string | number; open: string; close: string }>(res).map((r) => ({
    start: Number(r.start),
    open: dec(r.open),
    close: dec(r.close),
  }));
}

export async function tradingStateRow(db: Db) {
  const [r] = await db.select().from(tradingState).where(eq(tradingState.id, 1));
  return r ?? { id: 1, state: 'ACTIVE', reason: null, changedBy: null, changedAt: new Date(0) };
}

export async function riskOverrides(db: Db) {
  return db.select().from(riskSettings).orderBy(asc(riskSettings.key));
}

export async function strategyRows(db: Db) {
  return db.select().from(strategyInstances).orderBy(asc(strategyInstances.id));
}

export async function recentFills(db: Db, limit: number) {
  return db.select().from(fills).orderBy(desc(fills.execTime), desc(fills.id)).limit(limit);
}

/** Per symbol: number of trade fills, traded notional and fees. */
export async function fillStats(db: Db) {
  const res = await db
    .select({
      symbol: fills.symbol,
      n: count(),
      volume: sql<string>`coalesce(sum(${fills.qty} * ${fills.price}), 0)::text`,
      fees: sql<string>`coalesce(sum(${fills.fee}), 0)::text`,
    })
    .from(fills)
    .where(eq(fills.execType, 'Trade'))
    .groupBy(fills.symbol);
  return res.map((r) => ({ symbol: r.symbol, fills: Number(r.n), volume: dec(r.volume), fees: dec(r.fees) }));
}

export interface PendingApproval {
  id: number;
  intentId: number;
  symbol: string;
  side: string;
  qty: Decimal | null;
  notional: Decimal | null;
  requiredVotes: number;
  votes: number;
  expiresAt: Date;
}

/** Approvals still waiting for votes and not yet past their expiry. */
export async function pendingApprovals(db: Db, now: number): Promise<PendingApproval[]> {
  const res = await db
    .select({
      id: approvals.id,
      intentId: approvals.intentId,
      symbol: intents.symbol,
      side: intents.side,
      qty: intents.qty,
      notional: intents.notional,
      requiredVotes: approvals.requiredVotes,
      expiresAt: approvals.expiresAt,
      votes: sql<number>`(select count(*)::int from ${approvalVotes} v where v.approval_id = ${approvals.id} and v.vote = 'approve')`,
    })
    .from(approvals)
    .innerJoin(intents, eq(intents.id, approvals.intentId))
    .where(and(eq(approvals.status, 'pending'), gt(approvals.expiresAt, new Date(now))))
    .orderBy(asc(approvals.expiresAt));
  return res.map((r) => ({ ...r, votes: Number(r.votes) }));
}

/** An approval with its intent, the latest risk decision and the votes so far. */
export async function approvalDetail(db: Db, approvalId: number) {
  const [a] = await db
    .select({ approval: approvals, intent: intents })
    .from(approvals)
    .innerJoin(intents, eq(intents.id, approvals.intentId))
    .where(eq(approvals.id, approvalId));
  if (!a) return null;
  const [decision] = await db
    .select()
    .from(riskDecisions)
    .where(eq(riskDecisions.intentId, a.intent.id))
    .orderBy(desc(riskDecisions.id))
    .limit(1);
  const votes = await db
    .select()
    .from(approvalVotes)
    .where(eq(approvalVotes.approvalId, approvalId))
    .orderBy(asc(approvalVotes.id));
  return { ...a, decision: decision ?? null, votes };
}
export type ApprovalDetail = NonNullable<Awaited<ReturnType<typeof approvalDetail>>>;
