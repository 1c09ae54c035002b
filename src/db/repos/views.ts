// Read-only queries behind the chat commands: positions, orders, balances, equity, approvals, strategies.
// Money comes back as Decimal (numeric columns), never as a float; period reports are in report-data.ts.
import { and, asc, desc, eq, gt, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import { dec, type Decimal } from '../../domain/decimal.js';
import type { Db } from '../client.js';
import {
  approvals,
  approvalVotes,
  balances,
  equitySnapshots,
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
