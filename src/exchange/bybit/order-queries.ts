// Order and execution queries: open orders, one order by orderLinkId / orderId, history, executions.
// https://bybit-exchange.github.io/docs/v5/order/open-order — realtime covers open and recently closed orders.
import type { Category } from '../../domain/instrument.js';
import type { FillReport, HistoryQuery, OrderQuery, OrderReport, OrderSelector } from '../port.js';
import { PAGE_LIMITS } from './constants.js';
import { type BybitContext, collectPages, listOf } from './context.js';
import { toFillReport, toOrderReport } from './map.js';

/** Linear queries without a symbol must name a settle coin. */
function scope(ctx: BybitContext, q: OrderQuery): { symbol?: string; settleCoin?: string } {
  if (q.symbol) return { symbol: q.symbol };
  return q.category === 'linear' ? { settleCoin: q.settleCoin ?? ctx.settleCoin } : {};
}

export async function fetchOpenOrders(ctx: BybitContext, q: OrderQuery): Promise<OrderReport[]> {
  const rows = await collectPages('order/realtime', Number.POSITIVE_INFINITY, (cursor) =>
    ctx.rest.call(
      'order/realtime',
      q.category,
      () =>
        ctx.client.getActiveOrders({
          category: q.category,
          ...scope(ctx, q),
          openOnly: 0,
          limit: PAGE_LIMITS.orders,
          ...(cursor ? { cursor } : {}),
        }),
      { idempotent: true },
    ),
  );
  return rows.map((r) => toOrderReport(q.category, r));
}

/** Realtime first (open and recent), then history; null when the venue has no such order. */
export async function findOrder(
  ctx: BybitContext,
  category: Category,
  symbol: string,
  sel: OrderSelector,
): Promise<OrderReport | null> {
  const id = sel.orderId !== undefined ? { orderId: sel.orderId } : { orderLinkId: sel.orderLinkId };
  const live = await ctx.rest.call(
    'order/realtime',
    category,
    () => ctx.client.getActiveOrders({ category, symbol, ...id }),
    { idempotent: true },
  );
  const hit = listOf(live, 'order/realtime').map((r) => toOrderReport(category, r));
  const match = (o: OrderReport): boolean =>
    sel.orderId !== undefined ? o.orderId === sel.orderId : o.orderLinkId === sel.orderLinkId;
  const found = hit.find(match);
  if (found) return found;
  const past = await ctx.rest.call(
    'order/history',
    category,
    () => ctx.client.getHistoricOrders({ category, symbol, ...id }),
    { idempotent: true },
  );
  return (
    listOf(past, 'order/history')
      .map((r) => toOrderReport(category, r))
      .find(match) ?? null
  );
}

const WEEK_MS = 7 * 86_400_000;

type Window = { startTime?: number; endTime?: number };

/**
 * Bybit answers order-history and execution queries for at most 7 days (a wider window is error 10001; a
 * start alone means start + 7 days). A longer span is asked window by window, newest first. Lookups by id
 * and queries without a start keep Bybit's own default (the last 7 days).
 */
export function historyWindows(q: HistoryQuery, now: number): Window[] {
  const end = q.endTime;
  if (q.startTime === undefined || q.orderId || q.orderLinkId) {
    return [
      {
        ...(q.startTime !== undefined ? { startTime: q.startTime } : {}),
        ...(end !== undefined ? { endTime: end } : {}),
      },
    ];
  }
  const start = q.startTime;
  const to = end ?? now;
  const out: Window[] = [];
  for (let hi = to; hi > start; hi -= WEEK_MS)
    out.push({ startTime: Math.max(start, hi - WEEK_MS), endTime: hi });
  return out.length > 0 ? out : [{ startTime: start, endTime: to }];
}

function historyParams(ctx: BybitContext, q: HistoryQuery, w: Window, pageMax: number, total: number) {
  return {
    category: q.category,
    ...scope(ctx, q),
    ...(q.orderId ? { orderId: q.orderId } : {}),
    ...(q.orderLinkId ? { orderLinkId: q.orderLinkId } : {}),
    ...w,
    limit: Math.min(pageMax, total),
  };
}

/** Rows of every window, newest window first, without the duplicates a shared window edge can give. */
async function acrossWindows(
  ctx: BybitContext,
  q: HistoryQuery,
  total: number,
  keyOf: (row: unknown) => string,
  fetchWindow: (w: Window, left: number) => Promise<unknown[]>,
): Promise<unknown[]> {
  const rows: unknown[] = [];
  const seen = new Set<string>();
  for (const w of historyWindows(q, ctx.timing.now())) {
    if (rows.length >= total) break;
    for (const row of await fetchWindow(w, total - rows.length)) {
      const k = keyOf(row);
      if (seen.has(k)) continue;
      seen.add(k);
      rows.push(row);
    }
  }
  return rows.slice(0, total);
}

function field(row: unknown, name: string): string {
  const v = typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : JSON.stringify(row);
}

export async function fetchOrderHistory(ctx: BybitContext, q: HistoryQuery): Promise<OrderReport[]> {
  const total = q.limit ?? 200;
  const rows = await acrossWindows(
    ctx,
    q,
    total,
    (r) => field(r, 'orderId'),
    (w, left) =>
      collectPages('order/history', left, (cursor) =>
        ctx.rest.call(
          'order/history',
          q.category,
          () =>
            ctx.client.getHistoricOrders({
              ...historyParams(ctx, q, w, PAGE_LIMITS.orders, left),
              ...(cursor ? { cursor } : {}),
            }),
          { idempotent: true },
        ),
      ),
  );
  return rows.map((r) => toOrderReport(q.category, r));
}

export async function fetchExecutions(ctx: BybitContext, q: HistoryQuery): Promise<FillReport[]> {
  const total = q.limit ?? 200;
  const rows = await acrossWindows(
    ctx,
    q,
    total,
    (r) => field(r, 'execId'),
    (w, left) =>
      collectPages('execution/list', left, (cursor) =>
        ctx.rest.call(
          'execution/list',
          q.category,
          () =>
            ctx.client.getExecutionList({
              ...historyParams(ctx, q, w, PAGE_LIMITS.executions, left),
              ...(cursor ? { cursor } : {}),
            }),
          { idempotent: true },
        ),
      ),
  );
  return rows.map((r) => toFillReport(q.category, r));
}
