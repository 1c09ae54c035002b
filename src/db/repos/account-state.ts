// Everything a risk decision reads from the database, in one statement: open positions, balances, the
// round-trip results risk needs, the equity peak, risk overrides and the trading state. One round trip
// instead of six matters on the path from signal to order.
import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import { Decimal } from '../../domain/decimal.js';
import type { Db } from '../client.js';
import { prebuilt } from '../prebuilt.js';
import { rows } from '../rows.js';
import { LATEST_ORDER, QTY_LEFT } from './intents.js';
import { recentResultsFilter, type TradeResult } from './trade-results.js';
import { APPROVED_UNFINISHED_INTENT_STATUSES_SQL, TERMINAL_ORDER_STATUSES_SQL } from '../schema/index.js';
import { TRADING_STATES, type TradingStateName, type TradingStateRow } from './trading-state.js';

export interface OpenPosition {
  readonly category: string;
  readonly symbol: string;
  readonly size: Decimal;
  readonly avgEntry: Decimal;
}

export interface BalanceState {
  readonly coin: string;
  readonly walletBalance: Decimal;
  readonly available: Decimal;
}

/** What is left of an approved order that could add exposure, at the price it was approved at. */
export interface InFlightRow {
  readonly intentId: number;
  readonly category: string;
  readonly symbol: string;
  readonly side: string;
  readonly qty: Decimal;
  readonly price: Decimal;
}

export interface AccountState {
  readonly positions: readonly OpenPosition[];
  readonly inFlight: readonly InFlightRow[];
  /** The exposure clock as read with the rest: a decision that adds exposure is written only if it still holds. */
  readonly exposureVersion: number;
  readonly balances: readonly BalanceState[];
  readonly trades: readonly TradeResult[];
  readonly peakEquity: Decimal | null;
  readonly overrides: Record<string, string>;
  readonly tradingState: TradingStateRow;
}

/** The columns accountColumns selects, as the driver returns them. */
export interface AccountRaw {
  positions: { category: string; symbol: string; size: string; avg_entry: string }[];
  in_flight: {
    intent_id: number;
    category: string;
    symbol: string;
    side: string;
    qty: string;
    price: string;
  }[];
  balances: { coin: string; wallet_balance: string; available: string }[];
  trades: { symbol: string; closed_at: string | number; pnl: string }[];
  peak: string | null;
  exposure_version: string | number | null;
  overrides: { key: string; value: string }[];
  state: { state: string; reason: string | null; changed_by: string | null; changed_at: string } | null;
}

function stateName(s: string): TradingStateName {
  return (TRADING_STATES as readonly string[]).includes(s) ? (s as TradingStateName) : 'HALTED';
}

/**
 * The account's columns, for a select of its own or beside another statement's (the tick's lease): one
 * row whose columns parseAccountState reads.
 */
export function accountColumns(p: { dayStart: Placeholder; now: Placeholder }): SQL {
  return sql`(select coalesce(json_agg(json_build_object('category', category, 'symbol', symbol,
        'size', size::text, 'avg_entry', avg_entry::text) order by symbol), '[]'::json)
      from positions where size <> 0) as positions,
    (select coalesce(json_agg(json_build_object('intent_id', i.id, 'category', i.category, 'symbol', i.symbol, 'side', i.side,
        'qty', ${QTY_LEFT}::text, 'price', coalesce(d.price, i.limit_price)::text)), '[]'::json)
      from intents i ${LATEST_ORDER}
      left join lateral (select price from risk_decisions where intent_id = i.id and outcome = 'approved'
        order by id desc limit 1) d on true
      where i.status in ${APPROVED_UNFINISHED_INTENT_STATUSES_SQL} and not i.reduce_only
        and i.qty is not null and coalesce(d.price, i.limit_price) is not null
        and (o.status is null or o.status not in ${TERMINAL_ORDER_STATUSES_SQL})
        and ${QTY_LEFT} > 0) as in_flight,
    (select coalesce(json_agg(json_build_object('coin', coin, 'wallet_balance', wallet_balance::text,
        'available', available::text) order by coin), '[]'::json) from balances) as balances,
    (select coalesce(json_agg(json_build_object('symbol', symbol, 'closed_at', exec_time,
        'pnl', trade_pnl::text) order by exec_time, id), '[]'::json)
      from fills where ${recentResultsFilter(p.dayStart, p.now)}) as trades,
    (select equity::text from equity_snapshots order by equity desc limit 1) as peak,
    (select version from exposure_clock where id = 1) as exposure_version,
    (select coalesce(json_agg(json_build_object('key', key, 'value', value)), '[]'::json)
      from risk_settings) as overrides,
    (select json_build_object('state', state, 'reason', reason, 'changed_by', changed_by,
        'changed_at', changed_at) from trading_state limit 1) as state`;
}

/** Built once per process: the statement is on every proposal's path (prebuilt.ts). */
const accountStatement = prebuilt(['dayStart', 'now'], (p) => sql`select ${accountColumns(p)}`);

/** The account at `now`; trade results as recentResultsFilter selects them. */
export async function loadAccountState(db: Db, dayStart: number, now: number): Promise<AccountState> {
  const res = await accountStatement(db, { dayStart, now });
  const r = rows<AccountRaw>(res)[0];
  if (!r) throw new Error('account state query returned no row');
  return parseAccountState(r);
}

/** The account from the columns of accountColumns. */
export function parseAccountState(r: AccountRaw): AccountState {
  return {
    positions: r.positions.map((p) => ({
      category: p.category,
      symbol: p.symbol,
      size: new Decimal(p.size),
      avgEntry: new Decimal(p.avg_entry),
    })),
    inFlight: r.in_flight.map((o) => ({
      intentId: Number(o.intent_id),
      category: o.category,
      symbol: o.symbol,
      side: o.side,
      qty: new Decimal(o.qty),
      price: new Decimal(o.price),
    })),
    balances: r.balances.map((b) => ({
      coin: b.coin,
      walletBalance: new Decimal(b.wallet_balance),
      available: new Decimal(b.available),
    })),
    trades: r.trades.map((t) => ({
      symbol: t.symbol,
      closedAt: Number(t.closed_at),
      pnl: new Decimal(t.pnl),
    })),
    peakEquity: r.peak === null ? null : new Decimal(r.peak),
    exposureVersion: Number(r.exposure_version ?? 0),
    overrides: Object.fromEntries(r.overrides.map((o) => [o.key, o.value])),
    tradingState: r.state
      ? {
          state: stateName(r.state.state),
          reason: r.state.reason,
          changedBy: r.state.changed_by,
          changedAt: new Date(r.state.changed_at),
        }
      : { state: 'ACTIVE', reason: null, changedBy: null, changedAt: new Date(0) },
  };
}
