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

function historyParams(ctx: BybitContext, q: HistoryQuery, pageMax: number, total: number) {
  return {
    category: q.category,
    ...scope(ctx, q),
    ...(q.orderId ? { orderId: q.orderId } : {}),
    ...(q.orderLinkId ? { orderLinkId: q.orderLinkId } : {}),
    ...(q.startTime !== undefined ? { startTime: q.startTime } : {}),
    ...(q.endTime !== undefined ? { endTime: q.endTime } : {}),
    limit: Math.min(pageMax, total),
  };
}

export async function fetchOrderHistory(ctx: BybitContext, q: HistoryQuery): Promise<OrderReport[]> {
  const total = q.limit ?? 200;
  const rows = await collectPages('order/history', total, (cursor) =>
    ctx.rest.call(
      'order/history',
      q.category,
      () =>
        ctx.client.getHistoricOrders({
          ...historyParams(ctx, q, PAGE_LIMITS.orders, total),
          ...(cursor ? { cursor } : {}),
        }),
      { idempotent: true },
    ),
  );
  return rows.map((r) => toOrderReport(q.category, r));
}

export async function fetchExecutions(ctx: BybitContext, q: HistoryQuery): Promise<FillReport[]> {
  const total = q.limit ?? 200;
  const rows = await collectPages('execution/list', total, (cursor) =>
    ctx.rest.call(
      'execution/list',
      q.category,
      () =>
        ctx.client.getExecutionList({
          ...historyParams(ctx, q, PAGE_LIMITS.executions, total),
          ...(cursor ? { cursor } : {}),
        }),
      { idempotent: true },
    ),
  );
  return rows.map((r) => toFillReport(q.category, r));
}
