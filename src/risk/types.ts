// Risk vocabulary: limits, sizing rules, the order proposal under review, the market it meets, and the
// decision. Everything money-like is Decimal; a denial is data with a human reason, never an exception.
import type { Decimal } from '../domain/decimal.js';
import type { Category } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';

export interface RiskLimits {
  /** Notional of one symbol's positions after the order, in quote coin. */
  readonly maxNotionalPerSymbol: Decimal;
  readonly maxGrossExposure: Decimal;
  /** Gross exposure / equity. */
  readonly maxLeverage: Decimal;
  readonly maxOpenPositions: number;
  /** Realized loss in one UTC day that stops new entries until the next day. */
  readonly dailyLossLimit: Decimal;
  /** Drawdown from the equity peak, in percent, that trips the circuit breaker. */
  readonly maxDrawdownPct: Decimal;
  readonly flattenOnDrawdown: boolean;
  /** How far (percent) an order's price may sit from the mark. */
  readonly priceBandPct: Decimal;
  readonly staleDataMs: number;
  readonly lossCooldown: { readonly losses: number; readonly minutes: number };
}

export const SIZING_MODES = ['fixed-notional', 'risk-fraction', 'atr'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

export type SizingSpec =
  | { readonly mode: 'fixed-notional'; readonly notional: Decimal }
  /** Risk riskPct % of equity between entry and a stop stopPct % away (or the proposal's stopPrice). */
  | { readonly mode: 'risk-fraction'; readonly riskPct: Decimal; readonly stopPct: Decimal }
  /** Risk riskPct % of equity with the stop atrMultiple × ATR away. */
  | {
      readonly mode: 'atr';
      readonly riskPct: Decimal;
      readonly atrPeriod: number;
      readonly atrMultiple: Decimal;
    };

export const PROPOSAL_SOURCES = ['strategy', 'manual', 'close', 'kill'] as const;
export type ProposalSource = (typeof PROPOSAL_SOURCES)[number];

export interface OrderProposal {
  readonly symbol: string;
  readonly category: Category;
  readonly side: Side;
  readonly orderType: 'Market' | 'Limit';
  /** Base-coin quantity; else notional; else sizing; close and kill orders default to the whole position. */
  readonly qty?: Decimal;
  /** Quote-coin amount, e.g. "$500". */
  readonly notional?: Decimal;
  readonly limitPrice?: Decimal;
  /** Protective stop: the risk-fraction sizing measures risk to it. */
  readonly stopPrice?: Decimal;
  readonly reduceOnly: boolean;
  readonly sizing?: SizingSpec;
  readonly source: ProposalSource;
}

/**
 * An approved order that has not filled yet and could add exposure (not reduce-only): what is left of it,
 * at the price risk approved it at. Exposure limits count it as if it filled, so orders decided while
 * others are on the way cannot together pass a limit that each passes alone.
 */
export interface InFlightOrder {
  readonly category: Category;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: Decimal;
  readonly price: Decimal;
}

/** The latest market data for the proposal's symbol. */
export interface MarketView {
  readonly lastPrice: Decimal;
  readonly markPrice?: Decimal;
  /** Average true range over the sizing rule's period, for atr sizing. */
  readonly atr?: Decimal;
  /** When the data was observed (ms). */
  readonly dataTs: number;
}

export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

export const CHECK_NAMES = [
  'trading-state',
  'stale-data',
  'daily-loss',
  'max-drawdown',
  'loss-cooldown',
  'sizing',
  'price-band',
  'position-side',
  'spot-balance',
  'instrument-filters',
  'max-notional-per-symbol',
  'max-gross-exposure',
  'max-leverage',
  'max-open-positions',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface Denial {
  readonly check: CheckName;
  readonly reason: string;
}

/** JSON-safe values recorded with each check (decimals as strings) for the risk_decisions row. */
export type CheckInputs = Readonly<Record<string, string | number | boolean | null>>;

export interface CheckRecord {
  readonly check: CheckName;
  /** skip: the check needs a price or size that could not be worked out (the sizing reason says why). */
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly reason?: string;
  readonly inputs: CheckInputs;
}

export type RiskDecision =
  | {
      readonly approved: true;
      readonly qty: Decimal;
      readonly price: Decimal;
      readonly notional: Decimal;
      readonly checks: readonly CheckRecord[];
    }
  | {
      readonly approved: false;
      readonly reasons: readonly Denial[];
      readonly checks: readonly CheckRecord[];
    };
