// Row types of the trades report: closed spot lots (FIFO), perp position changes, funding payments.
// Every amount is a Decimal; the report is built from stored fill rows and never touches I/O.
import type { Decimal } from '../domain/decimal.js';
import type { PositionInstrument } from '../domain/position.js';

/** The columns of a stored fill the report reads (a `fills` row satisfies it). */
export interface ReportFill {
  readonly execId: string;
  readonly category: string;
  readonly symbol: string;
  /** 'Buy' | 'Sell' for trades; funding rows carry qty 0 and price 0. */
  readonly side: string;
  readonly qty: Decimal;
  readonly price: Decimal;
  /** Paid (positive) or rebated (negative); for funding, the amount paid (negative = received). */
  readonly fee: Decimal;
  readonly feeCurrency: string;
  /** 'Trade' | 'Funding' (other Bybit trade-like types count as trades). */
  readonly execType: string;
  readonly execTime: number;
}

/** Base and quote coin of a symbol; the report cannot guess which coin a fee is in without them. */
export type CoinsOf = (category: string, symbol: string) => PositionInstrument | null;

/** One match of a spot sell against the oldest open buy lot. */
export interface SpotLotRow {
  readonly kind: 'lot';
  readonly symbol: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly qty: Decimal;
  readonly openTime: number;
  readonly openPrice: Decimal;
  readonly openExecId: string;
  readonly closeTime: number;
  readonly closePrice: Decimal;
  readonly closeExecId: string;
  /** qty × open price, in quote coin. */
  readonly costBasis: Decimal;
  /** qty × close price, in quote coin. */
  readonly proceeds: Decimal;
  /** proceeds − cost basis (gross of fees, which stay in their own currency). */
  readonly realizedPnl: Decimal;
  /** The buy's fee share for this qty, in the buy fee's currency. */
  readonly openFee: Decimal;
  readonly openFeeCurrency: string;
  /** The sell's fee share for this qty, in the sell fee's currency. */
  readonly closeFee: Decimal;
  readonly closeFeeCurrency: string;
}

/** A perp fill, or the part of a flipping fill, that reduced ('close') or opened/added ('open') a position. */
export interface PerpRow {
  readonly kind: 'close' | 'open';
  readonly symbol: string;
  readonly quoteCoin: string;
  readonly execId: string;
  readonly time: number;
  /** The position's direction this part applies to. */
  readonly direction: 'long' | 'short';
  readonly qty: Decimal;
  /** Average entry before the fill (close), or the fill price (open). */
  readonly entryPrice: Decimal;
  /** The fill price for a close; null for an open. */
  readonly exitPrice: Decimal | null;
  /** Zero for an open. */
  readonly realizedPnl: Decimal;
  /** This part's share of the fill's fee, in its own currency. */
  readonly fee: Decimal;
  readonly feeCurrency: string;
}

/** A funding settlement: positive amount received, negative paid. */
export interface FundingRow {
  readonly kind: 'funding';
  readonly symbol: string;
  readonly execId: string;
  readonly time: number;
  readonly amount: Decimal;
  readonly currency: string;
}

export type ReportRow = SpotLotRow | PerpRow | FundingRow;

export interface ReportTotals {
  /** Realized PnL by quote coin (spot lots + perp closes). */
  readonly realizedPnl: ReadonlyMap<string, Decimal>;
  /** Fees by currency, as allocated to the rows. */
  readonly fees: ReadonlyMap<string, Decimal>;
  /** Funding received (negative = paid) by currency. */
  readonly funding: ReadonlyMap<string, Decimal>;
}

/** A spot fill inside the period, as traded (Koinly matches spot lots itself). */
export interface SpotTrade {
  readonly fill: ReportFill;
  readonly baseCoin: string;
  readonly quoteCoin: string;
}

export interface TradesReport {
  /** Time order (ties keep fill order). */
  readonly rows: readonly ReportRow[];
  readonly spotTrades: readonly SpotTrade[];
  readonly totals: ReportTotals;
}

export type ReportResult = { ok: true; report: TradesReport } | { ok: false; error: string };

/** Half-open period [from, to) in ms; either end may be open. */
export interface ReportPeriod {
  readonly from?: number;
  readonly to?: number;
}
