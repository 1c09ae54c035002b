// Reconciliation: compare our orders, fills and positions with the exchange's and repair the drift —
// on start, after every private-stream reconnect, and every minute. Drift is reported, never hidden.
import { openOrders } from '../db/repos/orders.js';
import { stuckIntents } from '../db/repos/intents.js';
import { listPositions, overwritePositionSize, updateMarks } from '../db/repos/positions.js';
import { snapshotEquity } from '../db/repos/account.js';
import { ZERO, type Decimal } from '../domain/decimal.js';
import type { Category } from '../domain/instrument.js';
import type { EngineDeps } from './deps.js';
import { actOnBreaches } from './breaches.js';
import { metrics } from '../platform/metrics.js';
import { ensureInstrument } from './instruments.js';
import { createTradingServices } from './trading-services.js';
import { loadPortfolioView, refreshBalances } from './portfolio-loader.js';
import { applyFillReport, applyOrderReport, inVenueOrder } from './reports.js';
import { failUnsent, TOO_LATE_REASON, UNSEEN_GRACE_MS, unsentFate } from './resend.js';

const NEVER_REACHED = 'the order never reached the exchange';
/** How far back executions are re-read on every pass. */
export const EXECUTION_LOOKBACK_MS = 24 * 3_600_000;
/** How long a position difference must hold before it counts as drift. */
export const DRIFT_SETTLE_MS = 1_000;

interface PositionDiff {
  ours: Decimal;
  venue: Decimal;
  avgPrice: Decimal;
}

/** Linear symbols where our size differs from the exchange's (signed sizes). */
async function positionDiffs(deps: EngineDeps): Promise<Map<string, PositionDiff>> {
  const venue = await deps.exchange.positions();
  const ours = await listPositions(deps.db);
  const out = new Map<string, PositionDiff>();
  const symbols = new Set([
    ...venue.map((p) => p.symbol),
    ...ours.filter((p) => p.category === 'linear').map((p) => p.symbol),
  ]);
  for (const symbol of symbols) {
    const v = venue.find((p) => p.symbol === symbol);
    const vSize = v ? (v.side === 'short' ? v.size.neg() : v.size) : ZERO;
    const oSize = ours.find((p) => p.symbol === symbol && p.category === 'linear')?.size ?? ZERO;
    if (!vSize.eq(oSize)) out.set(symbol, { ours: oSize, venue: vSize, avgPrice: v?.avgPrice ?? ZERO });
  }
  return out;
}

export interface ReconcileReport {
  ordersChecked: number;
  fillsRecorded: number;
  neverPlaced: string[];
  positionDrift: string[];
  requeued: number[];
}

/** An approved or submitted intent untouched for this long is re-enqueued. */
export const STUCK_AFTER_MS = 15_000;

export async function reconcile(deps: EngineDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const out: ReconcileReport = {
    ordersChecked: 0,
    fillsRecorded: 0,
    neverPlaced: [],
    positionDrift: [],
    requeued: [],
  };

  // 1. Every order we think is live: ask the venue by orderLinkId.
  for (const o of await openOrders(deps.db)) {
    out.ordersChecked++;
    const category = o.category as Category;
    const r = await deps.exchange.orderByLinkId(category, o.symbol, o.orderLinkId);
    if (r) {
      await applyOrderReport(deps, r);
      continue;
    }
    if (o.exchangeOrderId) continue;
    // An intent's order is sent again by its submit job (re-judged by risk) until it is too old; one
    // without an intent has nobody to send it again. Either way it is proven absent only past the grace.
    const age = now - o.createdAt.getTime();
    const [absent, reason] =
      o.intentId !== null
        ? [unsentFate(age) === 'fail', TOO_LATE_REASON]
        : [age > UNSEEN_GRACE_MS, NEVER_REACHED];
    if (absent && (await failUnsent(deps, o, reason))) {
      out.neverPlaced.push(o.orderLinkId);
    }
  }

  // 2. Intents Postgres says are on their way but whose job may be gone (Redis restarted or lost data,
  //    a worker died past its retries): enqueue them again; the submit job is idempotent on the intent.
  for (const i of await stuckIntents(deps.db, now - STUCK_AFTER_MS)) {
    // requeue: a job id BullMQ still remembers (failed, completed, or held by a dead worker) must not swallow it.
    await deps.enqueueSubmit(i.id, { requeue: true });
    out.requeued.push(i.id);
  }

  // 3. Executions we may have missed while the stream was down.
  for (const category of ['linear', 'spot'] as const) {
    const fills = await deps.exchange.executions({
      category,
      startTime: now - EXECUTION_LOOKBACK_MS,
      limit: 1000,
    });
    for (const f of inVenueOrder(fills))
      if ((await applyFillReport(deps, f)) === 'recorded') out.fillsRecorded++;
  }

  // 4. Linear positions: the exchange's size is the truth — but only for a difference that holds still.
  //    A fill in flight (executed, not yet delivered) looks like drift for a moment; repairing it would
  //    count that fill twice once it arrives. So compare twice, a settle interval apart.
  const first = await positionDiffs(deps);
  if (first.size > 0) {
    await new Promise((r) => setTimeout(r, DRIFT_SETTLE_MS));
    for (const category of ['linear'] as const) {
      const recent = await deps.exchange.executions({
        category,
        startTime: now - EXECUTION_LOOKBACK_MS,
        limit: 1000,
      });
      for (const f of inVenueOrder(recent))
        if ((await applyFillReport(deps, f)) === 'recorded') out.fillsRecorded++;
    }
    for (const [symbol, d] of await positionDiffs(deps)) {
      const before = first.get(symbol);
      if (!before || !before.ours.eq(d.ours) || !before.venue.eq(d.venue)) continue; // still moving
      const inst = await ensureInstrument(deps, 'linear', symbol);
      await deps.db.transaction((tx) => overwritePositionSize(tx, inst, d.venue, d.avgPrice));
      out.positionDrift.push(`${symbol}: ours ${d.ours.toFixed()}, exchange ${d.venue.toFixed()}`);
    }
  }

  if (out.neverPlaced.length || out.positionDrift.length) {
    const parts = [
      ...out.neverPlaced.map((id) => `order ${id} never reached the exchange`),
      ...out.positionDrift.map((d) => `position drift ${d} (set to the exchange's)`),
    ];
    await deps.notifier.notify({ kind: 'reconciliation-drift', message: parts.join('; ') });
  }
  return out;
}

/** Record equity now (one row per minute; a repeated job writes nothing). */
export async function recordEquity(deps: EngineDeps): Promise<void> {
  await refreshBalances(deps, { force: true });
  const view = await loadPortfolioView(deps);
  metrics.equity(view.quoteCoin, view.equity);
  await updateMarks(
    deps.db,
    new Map(view.positions.filter((p) => p.hasMark).map((p) => [p.symbol, p.markPrice])),
  );
  const ts = Math.floor(deps.clock.now() / 60_000) * 60_000;
  const realized = (await listPositions(deps.db)).reduce(
    (s, p) => s.plus(p.realizedPnl).minus(p.fees).plus(p.funding),
    ZERO,
  );
  await snapshotEquity(deps.db, {
    ts,
    equity: view.equity,
    unrealizedPnl: view.unrealizedPnl,
    realizedPnl: realized,
  });
  await actOnBreaches(deps, view, async (reason) => {
    await createTradingServices(deps).kill({ platform: 'system', userId: 'risk' }, reason);
  });
}
