// The order flow: intents → risk decisions → approvals → orders → events and fills → positions.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { Decimal } from '../../domain/decimal.js';
import { TERMINAL_ORDER_STATUSES } from '../../domain/order-status.js';
import { money, type PositionSnapshot } from './types.js';
import { strategyInstances } from './market.js';

/** A price or percentage as stored: a Decimal becomes a decimal string, a JS number stays a number. */
export type StoredPriceSpec = { readonly price: string | number } | { readonly pct: number };
export type StoredTrailingSpec =
  | { readonly pct: number; readonly activatePct?: number }
  | { readonly distance: string | number; readonly activatePct?: number };

/** The part of a kernel intent that is only read back, never queried. */
export interface StoredIntentPlan {
  readonly priceSpec: StoredPriceSpec | null;
  readonly timeoutBars: number;
  readonly requotesLeft: number;
  readonly protect: {
    readonly stop?: StoredPriceSpec;
    readonly takeProfit?: StoredPriceSpec;
    readonly trailing?: StoredTrailingSpec;
  } | null;
}

/** A list of values as literal SQL `('a', 'b')`: a partial index's predicate only matches literals. */
function literalList(values: readonly string[]) {
  return sql.raw(`(${values.map((s) => `'${s}'`).join(', ')})`);
}

/** Intents whose order may still go out or fill: a reversal's entry waits while its exit is one. */
export const UNFINISHED_INTENT_STATUSES = [
  'pending-risk',
  'approved',
  'awaiting-approval',
  'submitted',
] as const;
/** The same list as literal SQL: a partial index's predicate only matches literals, never parameters. */
export const UNFINISHED_INTENT_STATUSES_SQL = literalList(UNFINISHED_INTENT_STATUSES);

/** Unfinished intents risk has already approved (so they have a size and a price): what is on the way. */
export const APPROVED_UNFINISHED_INTENT_STATUSES_SQL = literalList(
  UNFINISHED_INTENT_STATUSES.filter((s) => s !== 'pending-risk'),
);

/** Unfinished intents whose order is on its way, or about to be: approved, or submitted to the venue. */
export const ON_WAY_INTENT_STATUSES_SQL = literalList(['approved', 'submitted']);

/** Order statuses after which nothing more fills, as literal SQL. */
export const TERMINAL_ORDER_STATUSES_SQL = literalList(TERMINAL_ORDER_STATUSES);

export const intents = pgTable(
  'intents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /**
     * Globally unique, time-sortable reference (domain makeIntentId) from which orderLinkIds derive.
     * Numeric ids restart with a new database; a reused orderLinkId would alias an old exchange order.
     */
    ref: text('ref').notNull().unique(),
    /** Submission attempt; a new one only after reconciliation proved the previous order absent. */
    attempt: integer('attempt').notNull().default(1),
    /** strategy | manual | close | kill | flatten */
    source: text('source').notNull(),
    strategyInstanceId: text('strategy_instance_id').references(() => strategyInstances.id),
    /** The closed candle that produced the signal; with the instance and leg it makes the intent unique. */
    candleTime: bigint('candle_time', { mode: 'number' }),
    /** entry | exit: a reversal on one candle is an exit intent, then an entry intent that waits for it. */
    leg: text('leg').notNull().default('entry'),
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    side: text('side').notNull(),
    orderType: text('order_type').notNull().default('Market'),
    /** Requested size: a quantity, or a notional in quote when qty is null. */
    qty: money('qty'),
    notional: money('notional'),
    limitPrice: money('limit_price'),
    stopPrice: money('stop_price'),
    reduceOnly: boolean('reduce_only').notNull().default(false),
    /** pending-risk | denied | awaiting-approval | approved | rejected | expired | submitted | done | failed */
    status: text('status').notNull(),
    requestedBy: text('requested_by'),
    reason: text('reason'),
    /**
     * The book the intent trades for: a strategy instance id, 'manual' or 'external'. Null only on rows
     * the legacy engine wrote after migration 0009 (the kernel store assigns them as the backfill did).
     */
    book: text('book'),
    /** entry | add | exit | manual (the kernel's purpose; the legacy engine's `leg` stays as it was). */
    purpose: text('purpose'),
    /** market | limit | post-only: how the kernel works the order (order_type says only Market/Limit). */
    orderKind: text('order_kind'),
    /** Quantity filled so far over all of the intent's orders. */
    filled: money('filled'),
    /** What the kernel reads back only: limit spec, time-out, requotes left, protection to put on at fill. */
    plan: jsonb('plan').$type<StoredIntentPlan>(),
    denials: jsonb('denials').$type<{ check: string; reason: string }[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('intents_instance_candle_uq')
      .on(t.strategyInstanceId, t.candleTime, t.leg)
      .where(sql`${t.strategyInstanceId} is not null`),
    index('intents_status_idx').on(t.status),
    // Every tick asks what its instance still has on the way; history must not slow that down.
    index('intents_open_by_instance_idx')
      .on(t.strategyInstanceId)
      .where(sql`${t.status} in ${UNFINISHED_INTENT_STATUSES_SQL}`),
    // A takeover reads every book's unfinished intents; history must not slow that down either.
    index('intents_open_by_book_idx')
      .on(t.book)
      .where(sql`${t.status} in ${UNFINISHED_INTENT_STATUSES_SQL}`),
  ],
);

export const riskDecisions = pgTable('risk_decisions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  intentId: bigint('intent_id', { mode: 'number' })
    .notNull()
    .references(() => intents.id),
  /** approved | denied */
  outcome: text('outcome').notNull(),
  qty: money('qty'),
  price: money('price'),
  notional: money('notional'),
  /** Human reasons, one per failed check: shown in chat as they are. */
  reasons: jsonb('reasons').$type<{ check: string; reason: string }[]>().notNull().default([]),
  inputs: jsonb('inputs').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const approvals = pgTable('approvals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  intentId: bigint('intent_id', { mode: 'number' })
    .notNull()
    .unique()
    .references(() => intents.id),
  /** pending | approved | rejected | expired */
  status: text('status').notNull().default('pending'),
  requiredVotes: integer('required_votes').notNull().default(1),
  refPrice: money('ref_price'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedBy: text('decided_by'),
  /** Platform messages carrying the buttons, so every copy can be edited with the outcome. */
  messages: jsonb('messages')
    .$type<{ platform: string; chatId: string; messageId: string }[]>()
    .notNull()
    .default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const approvalVotes = pgTable(
  'approval_votes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    approvalId: bigint('approval_id', { mode: 'number' })
      .notNull()
      .references(() => approvals.id),
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    vote: text('vote').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('approval_votes_voter_uq').on(t.approvalId, t.platform, t.userId)],
);

export const orders = pgTable(
  'orders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    intentId: bigint('intent_id', { mode: 'number' }).references(() => intents.id),
    orderLinkId: text('order_link_id').notNull().unique(),
    exchangeOrderId: text('exchange_order_id'),
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    side: text('side').notNull(),
    orderType: text('order_type').notNull(),
    qty: money('qty').notNull(),
    price: money('price'),
    timeInForce: text('time_in_force'),
    reduceOnly: boolean('reduce_only').notNull().default(false),
    status: text('status').notNull(),
    cumQty: money('cum_qty').notNull(),
    avgPrice: money('avg_price'),
    cumFee: money('cum_fee').notNull(),
    rejectReason: text('reject_reason'),
    /** The intent's book (stops and take-profits carry their book with no intent). Null as on intents. */
    book: text('book'),
    /** entry | add | exit | stop | take-profit */
    purpose: text('purpose'),
    postOnly: boolean('post_only').notNull().default(false),
    /** Conditional orders: fire as market when the last price crosses it (direction rise | fall). */
    triggerPrice: money('trigger_price'),
    triggerDirection: text('trigger_direction'),
    /** Epoch ms a resting limit order is cancelled at by the kernel (null: good till cancelled). */
    expiresAt: bigint('expires_at', { mode: 'number' }),
    /** Why the kernel asked for the cancel (a limit's time-out), to tell its end from the venue's. */
    cancelReason: text('cancel_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('orders_status_idx').on(t.status),
    index('orders_intent_idx').on(t.intentId),
    // A takeover reads the orders still open at the venue, not the whole history.
    index('orders_open_by_book_idx')
      .on(t.book)
      .where(sql`${t.status} not in ${TERMINAL_ORDER_STATUSES_SQL}`),
  ],
);

export const orderEvents = pgTable(
  'order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    ts: bigint('ts', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('order_events_order_idx').on(t.orderId)],
);

export const fills = pgTable(
  'fills',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: bigint('order_id', { mode: 'number' }).references(() => orders.id),
    /** Bybit execId: a fill is applied once, whatever path (stream or REST) brought it. */
    execId: text('exec_id').notNull().unique(),
    orderLinkId: text('order_link_id'),
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    side: text('side').notNull(),
    qty: money('qty').notNull(),
    price: money('price').notNull(),
    fee: money('fee').notNull(),
    feeCurrency: text('fee_currency').notNull(),
    /** Trade | Funding | ... */
    execType: text('exec_type').notNull().default('Trade'),
    isMaker: boolean('is_maker').notNull().default(false),
    execTime: bigint('exec_time', { mode: 'number' }).notNull(),
    /** The venue's per-symbol execution sequence (Bybit `seq`): orders fills of one millisecond. */
    execSeq: bigint('exec_seq', { mode: 'number' }),
    /**
     * The position as it stood just before this fill was folded in. A fill that arrives after a later one
     * (another process, a REST pull) is folded in venue order by replaying from the later fill's snapshot.
     */
    posBefore: jsonb('pos_before').$type<PositionSnapshot>(),
    /** False when the fill could not be folded when it arrived (a spot sell ahead of its buy); retried on replay. */
    folded: boolean('folded').notNull().default(true),
    strategyInstanceId: text('strategy_instance_id'),
    /**
     * Net result (price PnL − fees since the trade opened) of the round trip this fill closed; null when
     * it closed none. Risk reads today's results and the loss streak from it without refolding history.
     */
    tradePnl: money('trade_pnl'),
    /** The book the fill belongs to (null as on intents). */
    book: text('book'),
    /** Net result of the round trip this fill closed in its book (trade_pnl is the symbol's net one). */
    bookTradePnl: money('book_trade_pnl'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('fills_symbol_time_idx').on(t.symbol, t.execTime),
    index('fills_book_venue_order_idx').on(t.book, t.category, t.symbol, t.execTime, t.execSeq),
    index('fills_venue_order_idx').on(t.category, t.symbol, t.execTime, t.execSeq),
    index('fills_trade_results_idx')
      .on(t.execTime)
      .where(sql`${t.tradePnl} is not null`),
  ],
);

export const positions = pgTable(
  'positions',
  {
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    /** Signed: positive long, negative short (one-way mode). */
    size: money('size').notNull(),
    avgEntry: money('avg_entry').notNull(),
    realizedPnl: money('realized_pnl').notNull(),
    fees: money('fees').notNull(),
    funding: money('funding').notNull(),
    markPrice: money('mark_price'),
    costBasis: money('cost_basis').notNull().default(new Decimal(0)),
    otherFees: jsonb('other_fees').$type<Record<string, string>>().notNull().default({}),
    fillCount: integer('fill_count').notNull().default(0),
    /** Realized PnL − fees when the current round trip opened: its result is measured from here. */
    tradeBase: money('trade_base').notNull().default(new Decimal(0)),
    openedAt: bigint('opened_at', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.category, t.symbol] })],
);

export const balances = pgTable('balances', {
  coin: text('coin').primaryKey(),
  walletBalance: money('wallet_balance').notNull(),
  available: money('available').notNull(),
  equity: money('equity').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const equitySnapshots = pgTable(
  'equity_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ts: bigint('ts', { mode: 'number' }).notNull().unique(),
    equity: money('equity').notNull(),
    unrealizedPnl: money('unrealized_pnl').notNull(),
    realizedPnl: money('realized_pnl').notNull(),
  },
  // The equity peak (drawdown limit) is read on every proposal: an index, not a scan of all snapshots.
  (t) => [index('equity_snapshots_equity_idx').on(t.equity)],
);

/** A book's position on one instrument, folded from its own fills in venue order (columns as `positions`). */
export const bookPositions = pgTable(
  'book_positions',
  {
    book: text('book').notNull(),
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    size: money('size').notNull(),
    avgEntry: money('avg_entry').notNull(),
    realizedPnl: money('realized_pnl').notNull(),
    fees: money('fees').notNull(),
    funding: money('funding').notNull(),
    costBasis: money('cost_basis').notNull(),
    otherFees: jsonb('other_fees').$type<Record<string, string>>().notNull().default({}),
    fillCount: integer('fill_count').notNull().default(0),
    tradeBase: money('trade_base').notNull(),
    openedAt: bigint('opened_at', { mode: 'number' }),
    /** Venue order of the last fill folded in: a fill that sorts before it is folded by refolding the book. */
    lastExecTime: bigint('last_exec_time', { mode: 'number' }),
    lastExecSeq: bigint('last_exec_seq', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.book, t.category, t.symbol] })],
);

/** A book's protection on its symbol: the specs asked for, the prices in force and the orders carrying them. */
export const bookProtections = pgTable(
  'book_protections',
  {
    book: text('book').notNull(),
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    stopSpec: jsonb('stop_spec').$type<StoredPriceSpec>(),
    takeProfitSpec: jsonb('take_profit_spec').$type<StoredPriceSpec>(),
    trailingSpec: jsonb('trailing_spec').$type<StoredTrailingSpec>(),
    stopPrice: money('stop_price'),
    takeProfitPrice: money('take_profit_price'),
    /** Best close since entry: where a trailing stop is measured from. */
    bestPrice: money('best_price'),
    stopRef: text('stop_ref'),
    takeProfitRef: text('take_profit_ref'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.book, t.category, t.symbol] })],
);

/**
 * The account's decision counter: every kernel decision transaction adds one. A process remembers the
 * value its last write returned; a different value means another process decided since, so it rebuilds.
 */
export const kernelEpoch = pgTable(
  'kernel_epoch',
  {
    id: integer('id').primaryKey().default(1),
    epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
    /** The kernel's clock (epoch ms) at the last decision: a rebuilt kernel starts from it. */
    clock: bigint('clock', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('kernel_epoch_singleton', sql`${t.id} = 1`)],
);

/**
 * The kernel's intent columns as the legacy engine leaves them (it never writes them): what a row it
 * returns without reading back holds.
 */
export const LEGACY_INTENT_KERNEL_COLUMNS = {
  book: null,
  purpose: null,
  orderKind: null,
  filled: null,
  plan: null,
  denials: null,
} as const satisfies Partial<typeof intents.$inferSelect>;

/** The kernel's order columns as the legacy engine leaves them (their defaults). */
export const LEGACY_ORDER_KERNEL_COLUMNS = {
  book: null,
  purpose: null,
  postOnly: false,
  triggerPrice: null,
  triggerDirection: null,
  expiresAt: null,
  cancelReason: null,
} as const satisfies Partial<typeof orders.$inferSelect>;
export type KernelIntentColumn = keyof typeof LEGACY_INTENT_KERNEL_COLUMNS;
