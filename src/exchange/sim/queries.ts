// Read-side private endpoints: open/closed orders, executions, positions, wallet, account info and fee rates.
// Lists come newest first with `nextPageCursor` paging, as on Bybit V5.
import type { Account } from './account.js';
import type { Engine } from './engine.js';
import { RET, fail } from './errors.js';
import { INSTRUMENTS, findInstrument } from './instruments.js';
import { isOpen, renderExecution, type SimExecution, type SimOrder } from './orders.js';
import { type Params, category, decodeCursor, encodeCursor, instrument } from './params.js';

interface Page<T> {
  rows: T[];
  next: string;
}

/** Take up to `limit` rows from a newest-first sequence, after the cursor's seq. */
function page<T extends { seq: number }>(
  newestFirst: Iterable<T>,
  keep: (row: T) => boolean,
  p: Params,
  limit: number,
): Page<T> {
  const after = decodeCursor(p);
  const rows: T[] = [];
  let more = false;
  for (const row of newestFirst) {
    if (after !== undefined && row.seq >= after) continue;
    if (!keep(row)) continue;
    if (rows.length === limit) {
      more = true;
      break;
    }
    rows.push(row);
  }
  const lastRow = rows[rows.length - 1];
  return { rows, next: more && lastRow ? encodeCursor(lastRow.seq) : '' };
}

function* backwards<T>(arr: readonly T[]): Generator<T> {
  for (let i = arr.length - 1; i >= 0; i--) yield arr[i] as T;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Bybit's history window: both ends at most 7 days apart; only a start means start + 7 days; only an end
 * means end - 7 days; neither means the last 7 days. Lookups by order id are not windowed.
 */
export function historyWindow(e: Engine, p: Params): { from?: number; to?: number } {
  const from = p.time('startTime');
  const to = p.time('endTime');
  if (e.deps.behaviour.settings.historyWindow === 'off' || p.opt('orderId') || p.opt('orderLinkId'))
    return { from, to };
  if (from !== undefined && to !== undefined) {
    if (to < from) fail(RET.paramError, 'params error: endTime must not be earlier than startTime');
    if (to - from > WEEK_MS)
      fail(RET.paramError, 'params error: the time range between startTime and endTime cannot exceed 7 days');
    return { from, to };
  }
  if (from !== undefined) return { from, to: from + WEEK_MS };
  if (to !== undefined) return { from: to - WEEK_MS, to };
  const now = e.deps.now();
  return { from: now - WEEK_MS, to: now };
}

function orderFilter(p: Params, cat: string, win: { from?: number; to?: number }): (o: SimOrder) => boolean {
  const symbol = p.opt('symbol');
  const baseCoin = p.opt('baseCoin');
  const settleCoin = p.opt('settleCoin');
  const status = p.opt('orderStatus');
  const { from, to } = win;
  return (o) =>
    o.inst.category === cat &&
    (!symbol || o.inst.symbol === symbol) &&
    (!baseCoin || o.inst.baseCoin === baseCoin) &&
    (!settleCoin || o.inst.quoteCoin === settleCoin) &&
    (!status || o.status === status) &&
    (from === undefined || o.createdTime >= from) &&
    (to === undefined || o.createdTime <= to);
}

function byId(a: Account, p: Params): SimOrder[] | null {
  const id = p.opt('orderId');
  const link = p.opt('orderLinkId');
  if (!id && !link) return null;
  const o = id ? a.orders.get(id) : a.byLinkId.get(link as string);
  return o && (!id || !link || o.orderLinkId === link) ? [o] : [];
}

export function activeOrders(e: Engine, a: Account, p: Params) {
  const cat = category(p);
  const limit = p.int('limit', 20, 1, 50);
  const openOnly = p.int('openOnly', 0, 0, 2);
  const keep = orderFilter(p, cat, { from: p.time('startTime'), to: p.time('endTime') });
  const direct = byId(a, p);
  if (!direct && cat === 'linear' && !p.opt('symbol') && !p.opt('baseCoin') && !p.opt('settleCoin')) {
    fail(RET.paramError, 'Missing some parameters that must be filled in, symbol or settleCoin or baseCoin');
  }
  // Looked up by id, Bybit answers whatever the status; otherwise open orders, or recent closed ones (openOnly=1).
  const source = direct ?? (openOnly === 0 ? backwards([...a.open]) : closedRecent(a));
  const { rows, next } = page(source, keep, p, limit);
  return { category: cat, list: rows.map((o) => e.renderOrder(o, false)), nextPageCursor: next };
}

function* closedRecent(a: Account): Generator<SimOrder> {
  let n = 0;
  for (const o of backwards(a.history)) {
    if (isOpen(o)) continue;
    if (++n > 500) return;
    yield o;
  }
}

export function orderHistory(e: Engine, a: Account, p: Params) {
  const cat = category(p);
  const limit = p.int('limit', 20, 1, 50);
  const keep = orderFilter(p, cat, historyWindow(e, p));
  const { rows, next } = page(byId(a, p) ?? backwards(a.history), keep, p, limit);
  return { category: cat, list: rows.map((o) => e.renderOrder(o, false)), nextPageCursor: next };
}

export function executionList(e: Engine, a: Account, p: Params) {
  const cat = category(p);
  const limit = p.int('limit', 50, 1, 100);
  const symbol = p.opt('symbol');
  const orderId = p.opt('orderId');
  const link = p.opt('orderLinkId');
  const baseCoin = p.opt('baseCoin');
  const execType = p.opt('execType');
  const { from, to } = historyWindow(e, p);
  const keep = (x: SimExecution): boolean =>
    x.category === cat &&
    (!symbol || x.wire['symbol'] === symbol) &&
    (!orderId || x.wire['orderId'] === orderId) &&
    (!link || x.wire['orderLinkId'] === link) &&
    (!baseCoin || String(x.wire['symbol']).startsWith(baseCoin)) &&
    (!execType || x.wire['execType'] === execType) &&
    (from === undefined || x.time >= from) &&
    (to === undefined || x.time <= to);
  const { rows, next } = page(backwards(a.executions), keep, p, limit);
  return { category: cat, list: rows.map((x) => renderExecution(x, false)), nextPageCursor: next };
}

export function positionList(e: Engine, a: Account, p: Params) {
  const cat = category(p, ['linear']);
  const symbol = p.opt('symbol');
  const settleCoin = p.opt('settleCoin');
  const limit = p.int('limit', 20, 1, 200);
  if (!symbol && !settleCoin)
    fail(RET.paramError, 'Missing some parameters that must be filled in, symbol or settleCoin');
  let list: Record<string, unknown>[];
  if (symbol) {
    const pos = a.position(instrument(cat, symbol), e.deps.now());
    list = [e.renderPosition(a, pos, false)];
  } else {
    list = [...a.positions.values()]
      .filter((pos) => !pos.size.isZero() && pos.inst.quoteCoin === settleCoin)
      .slice(0, limit)
      .map((pos) => e.renderPosition(a, pos, false));
  }
  return { category: cat, list, nextPageCursor: '' };
}

export function walletBalance(e: Engine, a: Account, p: Params) {
  const type = p.req('accountType');
  if (type !== 'UNIFIED') fail(RET.paramError, 'accountType only support UNIFIED');
  const coins = p.opt('coin');
  const only = coins ? new Set(coins.split(',').map((c) => c.trim())) : undefined;
  if (only) for (const c of only) a.coin(c);
  return { list: [e.renderWallet(a, only)] };
}

export function accountInfo(e: Engine, a: Account) {
  return {
    unifiedMarginStatus: 5,
    marginMode: a.marginMode,
    isMasterTrader: false,
    spotHedgingStatus: 'OFF',
    updatedTime: String(e.deps.now()),
    dcpStatus: 'OFF',
    timeWindow: 10,
    smpGroup: 0,
  };
}

export function feeRate(p: Params) {
  const cat = category(p);
  const symbol = p.opt('symbol');
  if (symbol && !findInstrument(cat, symbol)) fail(RET.paramError, 'params error: symbol invalid');
  const list = INSTRUMENTS.filter((i) => i.category === cat && (!symbol || i.symbol === symbol)).map((i) => ({
    symbol: i.symbol,
    baseCoin: cat === 'spot' ? i.baseCoin : '',
    takerFeeRate: i.takerFeeRate.toFixed(),
    makerFeeRate: i.makerFeeRate.toFixed(),
  }));
  return { list };
}
