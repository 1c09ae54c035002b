// The kernel's vocabulary: what it is fed (events), what it asks the world to do (commands), and how it
// is configured. Pure data: the live runner and the backtest runner both speak it.
import type { Decimal } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import type { Category, Instrument } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';
import type { Denial, RiskLimits, SizingSpec, TradingState } from '../risk/types.js';
import type { Bar, StrategyDefinition } from '../sdk/types.js';
import type { IntentStatus } from './intent-transitions.js';

export interface SeriesKey {
  readonly category: Category;
  readonly symbol: string;
  readonly interval: string;
}

export interface InstanceConfig {
  /** The instance id, which is also its book's id. */
  readonly id: string;
  readonly definition: StrategyDefinition;
  readonly params: Readonly<Record<string, unknown>>;
  readonly category: Category;
  readonly symbol: string;
  readonly interval: string;
  readonly sizing: SizingSpec;
  /** Linear only: set at the venue before the first entry. */
  readonly leverage?: Decimal;
  readonly enabled?: boolean;
}

export type ApprovalRoute = { kind: 'auto' } | { kind: 'ask'; votes: number };

export interface KernelConfig {
  readonly instances: readonly InstanceConfig[];
  readonly instruments: readonly Instrument[];
  readonly limits: RiskLimits;
  /** Who must agree before an order goes out (bosun.yaml `approvals`). */
  readonly approvals: (notional: Decimal, reducesRisk: boolean) => ApprovalRoute;
  readonly approvalTtlMs: number;
  readonly quoteCoin: string;
  /** Cash in the quote coin when the kernel starts with no history (backtests). */
  readonly startingCash: Decimal;
  /** Backtests: treat every approval request as answered yes (and count them). Live: false. */
  readonly autoApprove?: boolean;
  /** Live: keep a journal of what each event changed (takeChanges) for the runner to store. */
  readonly journal?: boolean;
}

export type OrderPurpose = 'entry' | 'add' | 'exit' | 'stop' | 'take-profit';
export type KernelOrderType = 'Market' | 'Limit';

/** An order the kernel wants at the venue. `ref` is its orderLinkId (derived from the intent's ref). */
export interface KernelOrder {
  readonly ref: string;
  readonly intentRef: string;
  readonly book: string;
  readonly category: Category;
  readonly symbol: string;
  readonly side: Side;
  readonly type: KernelOrderType;
  readonly postOnly: boolean;
  readonly qty: Decimal;
  /** Limit price; null for market and for a stop's market leg. */
  readonly price: Decimal | null;
  readonly reduceOnly: boolean;
  /** Conditional orders (stops, take-profits): fire as market when the last price crosses it. */
  readonly trigger: { readonly price: Decimal; readonly direction: 'rise' | 'fall' } | null;
  readonly purpose: OrderPurpose;
  readonly placedAt: number;
  /** A resting limit order is cancelled at this time (null: good till cancelled). */
  readonly expiresAt: number | null;
}

export type Command =
  | { readonly kind: 'place'; readonly order: KernelOrder }
  | {
      readonly kind: 'amend';
      readonly ref: string;
      readonly qty?: Decimal;
      readonly triggerPrice?: Decimal;
    }
  | { readonly kind: 'cancel'; readonly ref: string; readonly reason: string }
  | {
      readonly kind: 'set-leverage';
      readonly category: Category;
      readonly symbol: string;
      readonly leverage: Decimal;
    }
  | {
      readonly kind: 'ask-approval';
      readonly intentRef: string;
      readonly votes: number;
      readonly expiresAt: number;
    }
  | { readonly kind: 'notice'; readonly notice: Notice };

export type Notice =
  | {
      readonly kind: 'denied';
      readonly book: string;
      readonly symbol: string;
      readonly intentRef: string;
      readonly reasons: readonly Denial[];
    }
  | {
      readonly kind: 'fill';
      readonly book: string;
      readonly symbol: string;
      readonly side: Side;
      readonly qty: Decimal;
      readonly price: Decimal;
      readonly effect: 'opened' | 'added' | 'reduced' | 'closed' | 'flipped';
      /** Set on a closing fill: the round trip's net result and this fill's fee. */
      readonly realizedPnl: Decimal | null;
      readonly fee: Decimal;
    }
  | {
      readonly kind: 'intent-ended';
      readonly book: string;
      readonly symbol: string;
      readonly intentRef: string;
      readonly status: IntentStatus;
      readonly reason: string;
    }
  | { readonly kind: 'log'; readonly book: string; readonly message: string }
  | {
      readonly kind: 'funding';
      readonly book: string;
      readonly symbol: string;
      /** Received (positive) or paid (negative), in the settle coin. */
      readonly amount: Decimal;
      readonly rate: Decimal;
    }
  | {
      readonly kind: 'liquidated';
      readonly book: string;
      readonly symbol: string;
      readonly qty: Decimal;
      readonly price: Decimal;
      readonly realizedPnl: Decimal | null;
    };

/** Venue reports, keyed by the order's ref (orderLinkId). */
export type OrderReport =
  | { readonly kind: 'accepted'; readonly ref: string }
  | { readonly kind: 'fill'; readonly ref: string; readonly fill: Fill }
  | {
      readonly kind: 'ended';
      readonly ref: string;
      readonly status: 'Cancelled' | 'Rejected' | 'Expired' | 'Deactivated';
      readonly reason: string;
    }
  /** The venue liquidated the net position on a symbol, settling it at the bankruptcy price. */
  | {
      readonly kind: 'liquidated';
      readonly ref: '';
      readonly category: Category;
      readonly symbol: string;
      readonly price: Decimal;
      readonly ts: number;
      readonly tradeId: string;
    };

export type OperatorCommand =
  | {
      readonly kind: 'trade';
      readonly category: Category;
      readonly symbol: string;
      readonly side: Side;
      readonly qty: Decimal;
      /** A limit price; absent for a market order. */
      readonly price?: Decimal;
      readonly by: string;
    }
  | { readonly kind: 'close-book'; readonly book: string; readonly by: string }
  | { readonly kind: 'pause'; readonly book: string; readonly paused: boolean; readonly by: string }
  | {
      readonly kind: 'close-manual';
      readonly category: Category;
      readonly symbol: string;
      readonly by: string;
    }
  | { readonly kind: 'set-trading-state'; readonly state: TradingState; readonly by: string }
  | { readonly kind: 'vote'; readonly intentRef: string; readonly approve: boolean; readonly by: string }
  /** The approval's time ran out (or /kill withdrew it): the intent ends without an order. */
  | { readonly kind: 'expire'; readonly intentRef: string; readonly by: string }
  /** `/cancel <order>`: one resting order, by its ref (orderLinkId). */
  | { readonly kind: 'cancel-order'; readonly ref: string; readonly by: string }
  /** `/kill`: HALTED, waiting approvals withdrawn, resting orders cancelled, every book flattened. */
  | { readonly kind: 'kill'; readonly by: string; readonly reason: string };

export interface BarEvent {
  readonly series: SeriesKey;
  readonly bar: Bar;
  /** When the bar closed (its open time + interval): the kernel's clock for this event. */
  readonly closedAt: number;
}
