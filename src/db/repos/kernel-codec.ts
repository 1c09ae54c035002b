// The kernel's intents, orders and protections as rows and back, exactly: a Decimal is stored as a decimal
// string (numeric columns, or strings inside jsonb) and read back as a Decimal; a JS number stays a number.
import { Decimal, ZERO } from '../../domain/decimal.js';
import type { Category } from '../../domain/instrument.js';
import { isFinalIntentStatus, INTENT_STATUSES, type IntentStatus } from '../../kernel/intent-transitions.js';
import type { IntentPurpose, IntentState, OrderState, ProtectionRecord } from '../../kernel/kernel.js';
import type { KernelOrder, OrderPurpose } from '../../kernel/types.js';
import { EXTERNAL_BOOK, MANUAL_BOOK } from '../../kernel/books.js';
import type { Denial } from '../../risk/types.js';
import type { PriceSpec, TrailingSpec } from '../../sdk/types.js';
import type {
  bookProtections,
  intents,
  orders,
  StoredIntentPlan,
  StoredPriceSpec,
  StoredTrailingSpec,
} from '../schema/index.js';

type IntentRow = typeof intents.$inferSelect;
type OrderRow = typeof orders.$inferSelect;
type ProtectionRow = typeof bookProtections.$inferSelect;

/** Kernel intents get no `intents.strategy_instance_id`: that column drives the legacy engine's own scans. */
export function isStrategyBook(book: string): boolean {
  return book !== MANUAL_BOOK && book !== EXTERNAL_BOOK;
}

function money(v: number | Decimal): string | number {
  return v instanceof Decimal ? v.toFixed() : v;
}

function unmoney(v: unknown, what: string): number | Decimal {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return new Decimal(v);
  throw new TypeError(`stored ${what} is ${JSON.stringify(v)}: expected a number or a decimal string`);
}

export function encodePriceSpec(s: PriceSpec): StoredPriceSpec {
  return 'price' in s ? { price: money(s.price) } : { pct: s.pct };
}

export function decodePriceSpec(s: StoredPriceSpec): PriceSpec {
  if ('price' in s) return { price: unmoney(s.price, 'price spec') };
  if (typeof s.pct === 'number') return { pct: s.pct };
  throw new TypeError(`stored price spec ${JSON.stringify(s)}: expected { price } or { pct }`);
}

export function encodeTrailing(s: TrailingSpec): StoredTrailingSpec {
  const act = s.activatePct === undefined ? {} : { activatePct: s.activatePct };
  return 'pct' in s ? { pct: s.pct, ...act } : { distance: money(s.distance), ...act };
}

export function decodeTrailing(s: StoredTrailingSpec): TrailingSpec {
  const act = s.activatePct === undefined ? {} : { activatePct: s.activatePct };
  if ('pct' in s) return { pct: s.pct, ...act };
  if ('distance' in s) return { distance: unmoney(s.distance, 'trailing distance'), ...act };
  throw new TypeError(`stored trailing spec ${JSON.stringify(s)}: expected { pct } or { distance }`);
}

function encodeProtect(p: IntentState['protect']): StoredIntentPlan['protect'] {
  if (!p) return null;
  return {
    ...(p.stop ? { stop: encodePriceSpec(p.stop) } : {}),
    ...(p.takeProfit ? { takeProfit: encodePriceSpec(p.takeProfit) } : {}),
    ...(p.trailing ? { trailing: encodeTrailing(p.trailing) } : {}),
  };
}

function decodeProtect(p: StoredIntentPlan['protect']): IntentState['protect'] {
  if (!p) return null;
  return {
    ...(p.stop ? { stop: decodePriceSpec(p.stop) } : {}),
    ...(p.takeProfit ? { takeProfit: decodePriceSpec(p.takeProfit) } : {}),
    ...(p.trailing ? { trailing: decodeTrailing(p.trailing) } : {}),
  };
}

/** The legacy engine's `source`, so its readers (audit, reports) still tell operators' trades apart. */
function sourceOf(it: IntentState): string {
  if (it.purpose === 'manual') return 'manual';
  if (it.purpose === 'exit' && !isStrategyBook(it.book)) return 'close';
  return 'strategy';
}

/** The columns of an intents row the kernel writes (inserted, or updated on its ref). */
export function intentValues(it: IntentState) {
  return {
    ref: it.ref,
    attempt: it.attempt,
    source: sourceOf(it),
    leg: it.purpose === 'exit' ? 'exit' : 'entry',
    category: it.category,
    symbol: it.symbol,
    side: it.side,
    orderType: it.type === 'market' ? 'Market' : 'Limit',
    qty: it.qty,
    limitPrice: it.price,
    status: it.status,
    reason: it.reason,
    book: it.book,
    requestedBy: it.by,
    purpose: it.purpose,
    orderKind: it.type,
    filled: it.filled,
    plan: {
      priceSpec: it.priceSpec ? encodePriceSpec(it.priceSpec) : null,
      timeoutBars: it.timeoutBars,
      requotesLeft: it.requotesLeft,
      protect: encodeProtect(it.protect),
    } satisfies StoredIntentPlan,
    denials: it.denials.map((d) => ({ check: d.check, reason: d.reason })),
    createdAt: new Date(it.createdAt),
  };
}

const PURPOSES: readonly IntentPurpose[] = ['entry', 'add', 'exit', 'manual'];
/** What the kernel gives a resting limit without its own time-out (its DEFAULT_TIMEOUT_BARS). */
const LEGACY_TIMEOUT_BARS = 3;

function intentStatus(s: string, ref: string): IntentStatus {
  if ((INTENT_STATUSES as readonly string[]).includes(s)) return s as IntentStatus;
  throw new TypeError(`intent ${ref} has status ${s}; the kernel knows ${INTENT_STATUSES.join(', ')}`);
}

/**
 * An intents row as the kernel holds it. Rows the legacy engine wrote have no plan: they read as what the
 * legacy engine did (a limit at its stored price, the default time-out, no requote, no protection to add).
 */
export function intentFromRow(r: IntentRow): IntentState {
  const purpose = PURPOSES.find((p) => p === r.purpose) ?? (r.leg === 'exit' ? 'exit' : 'entry');
  const type =
    r.orderKind === 'limit' || r.orderKind === 'post-only' || r.orderKind === 'market'
      ? r.orderKind
      : r.orderType === 'Limit'
        ? 'limit'
        : 'market';
  const plan = r.plan;
  const legacySpec = r.limitPrice ? { price: r.limitPrice } : null;
  return {
    ref: r.ref,
    book: r.book ?? r.strategyInstanceId ?? MANUAL_BOOK,
    category: r.category as Category,
    symbol: r.symbol,
    side: r.side === 'Sell' ? 'Sell' : 'Buy',
    purpose,
    status: intentStatus(r.status, r.ref),
    reason: r.reason ?? '',
    createdAt: r.createdAt.getTime(),
    by: r.requestedBy,
    qty: r.qty,
    price: r.limitPrice,
    type,
    priceSpec: plan ? (plan.priceSpec ? decodePriceSpec(plan.priceSpec) : null) : legacySpec,
    timeoutBars: plan?.timeoutBars ?? LEGACY_TIMEOUT_BARS,
    requotesLeft: plan?.requotesLeft ?? 0,
    attempt: r.attempt,
    filled: r.filled ?? ZERO,
    denials: (r.denials ?? []) as Denial[],
    protect: plan ? decodeProtect(plan.protect) : null,
  };
}

export function isOpenIntent(it: IntentState): boolean {
  return !isFinalIntentStatus(it.status);
}

/**
 * The orders row's status, a projection of what the kernel knows: it writes the order before it is sent
 * (Submitted), sees its fills, asks for its cancel, and learns it ended. Open ⇔ not terminal.
 */
export function orderStatus(o: OrderState): string {
  if (!o.open) return o.cumQty.gte(o.order.qty) ? 'Filled' : 'Cancelled';
  if (o.cancelReason !== null) return 'PendingCancel';
  return o.cumQty.isZero() ? 'Submitted' : 'PartiallyFilled';
}

/** The columns of an orders row the kernel writes (intent_id is resolved from intentRef by the writer). */
export function orderValues(o: OrderState) {
  const k = o.order;
  return {
    orderLinkId: k.ref,
    category: k.category,
    symbol: k.symbol,
    side: k.side,
    orderType: k.type,
    qty: k.qty,
    price: k.price,
    timeInForce: k.postOnly ? 'PostOnly' : k.type === 'Limit' ? 'GTC' : 'IOC',
    reduceOnly: k.reduceOnly,
    status: orderStatus(o),
    cumQty: o.cumQty,
    cumFee: ZERO,
    book: k.book,
    purpose: k.purpose,
    postOnly: k.postOnly,
    triggerPrice: k.trigger?.price ?? null,
    triggerDirection: k.trigger?.direction ?? null,
    expiresAt: k.expiresAt,
    cancelReason: o.cancelReason,
    createdAt: new Date(k.placedAt),
  };
}

const ORDER_PURPOSES: readonly OrderPurpose[] = ['entry', 'add', 'exit', 'stop', 'take-profit'];

/** An open orders row (with its intent's ref, '' for stops and take-profits) as the kernel holds it. */
export function orderFromRow(r: OrderRow, intentRef: string | null): OrderState {
  const purpose = ORDER_PURPOSES.find((p) => p === r.purpose) ?? (r.reduceOnly ? 'exit' : 'entry');
  const direction =
    r.triggerDirection === 'rise' || r.triggerDirection === 'fall' ? r.triggerDirection : null;
  const order: KernelOrder = {
    ref: r.orderLinkId,
    intentRef: intentRef ?? '',
    book: r.book ?? MANUAL_BOOK,
    category: r.category as Category,
    symbol: r.symbol,
    side: r.side === 'Sell' ? 'Sell' : 'Buy',
    type: r.orderType === 'Limit' ? 'Limit' : 'Market',
    postOnly: r.postOnly,
    qty: r.qty,
    price: r.price,
    reduceOnly: r.reduceOnly,
    trigger: r.triggerPrice && direction ? { price: r.triggerPrice, direction } : null,
    purpose,
    placedAt: r.createdAt.getTime(),
    expiresAt: r.expiresAt,
  };
  return { order, cumQty: r.cumQty, open: true, cancelReason: r.cancelReason };
}

export function protectionValues(p: ProtectionRecord) {
  return {
    book: p.book,
    category: p.category,
    symbol: p.symbol,
    stopSpec: p.stopSpec ? encodePriceSpec(p.stopSpec) : null,
    takeProfitSpec: p.tpSpec ? encodePriceSpec(p.tpSpec) : null,
    trailingSpec: p.trailing ? encodeTrailing(p.trailing) : null,
    stopPrice: p.stop,
    takeProfitPrice: p.tp,
    bestPrice: p.best,
    stopRef: p.stopRef,
    takeProfitRef: p.tpRef,
  };
}

export function protectionFromRow(r: ProtectionRow): ProtectionRecord {
  return {
    book: r.book,
    category: r.category as Category,
    symbol: r.symbol,
    stopSpec: r.stopSpec ? decodePriceSpec(r.stopSpec) : null,
    tpSpec: r.takeProfitSpec ? decodePriceSpec(r.takeProfitSpec) : null,
    trailing: r.trailingSpec ? decodeTrailing(r.trailingSpec) : null,
    stop: r.stopPrice,
    tp: r.takeProfitPrice,
    best: r.bestPrice,
    stopRef: r.stopRef,
    tpRef: r.takeProfitRef,
  };
}
