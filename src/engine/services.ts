// What the chat layer (and the CLI) may ask of the trading core. Commands call these; the engine
// implements them over the database, the queues and the exchange port. Denials are data, not throws.
import type { Decimal } from '../domain/decimal.js';
import type { Category } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';

export interface Actor {
  platform: 'telegram' | 'slack' | 'console' | 'cli' | 'system';
  userId: string;
  /** Display name for messages ("approved by @alice"). */
  name?: string;
}

export interface TradeRequest {
  symbol: string;
  category?: Category;
  side: Side;
  /** Exactly one of qty (base units) or notional (quote, e.g. "$500"). */
  qty?: Decimal;
  notional?: Decimal;
  limitPrice?: Decimal;
  actor: Actor;
}

/** What happened to a request, in words an operator understands. */
export type TradeOutcome =
  | { kind: 'denied'; intentId: number; reasons: { check: string; reason: string }[] }
  | { kind: 'submitted'; intentId: number; orderLinkId: string }
  | {
      kind: 'awaiting-approval';
      intentId: number;
      approvalId: number;
      votesNeeded: number;
      expiresAt: number;
    }
  | { kind: 'invalid'; message: string };

export type VoteOutcome =
  | { kind: 'recorded'; approvalId: number; votes: number; votesNeeded: number }
  | { kind: 'approved'; approvalId: number; intentId: number; voters: string[] }
  | { kind: 'rejected'; approvalId: number; intentId: number; by: string }
  | { kind: 'ignored'; approvalId: number; reason: string }
  | { kind: 'not-found'; approvalId: number };

export interface KillOutcome {
  cancelledOrders: number;
  closingPositions: string[];
}

export interface TradingServices {
  requestTrade(req: TradeRequest): Promise<TradeOutcome>;
  /**
   * Close the operator's (manual) position on a symbol, one book (a strategy instance), or every book; each
   * a market order through risk.
   */
  closePosition(target: { symbol: string } | { book: string } | 'all', actor: Actor): Promise<TradeOutcome[]>;
  /** Cancel one open order by its orderLinkId (the desk; the legacy engine has none). */
  cancelOrder?(ref: string, actor: Actor): Promise<{ ok: boolean; message: string }>;
  /** Cancel all, flatten, state HALTED (persisted). */
  kill(actor: Actor, reason: string): Promise<KillOutcome>;
  /** HALTED/REDUCING → ACTIVE; the caller checks the admin role. */
  resumeTrading(actor: Actor): Promise<{ previous: string }>;
  vote(approvalId: number, actor: Actor, vote: 'approve' | 'reject'): Promise<VoteOutcome>;
  /** Pause or resume strategy instances; returns the ids changed. */
  setStrategyPaused(target: string | 'all', paused: boolean, actor: Actor): Promise<string[]>;
  /** Override one risk limit (validated); returns the previous and new values. */
  setRiskLimit(
    key: string,
    value: string,
    actor: Actor,
  ): Promise<{ ok: true; previous: string; value: string } | { ok: false; message: string }>;
}
