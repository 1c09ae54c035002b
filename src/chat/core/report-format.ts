// Display strings shared by the report commands (pnl, performance, trades, status): the account currency,
// win rate, profit factor, and the amounts in other currencies that are listed instead of converted.
import { ZERO } from '../../domain/decimal.js';
import {
  otherCurrencies,
  type CurrencyFigures,
  type PnlBreakdown,
  type TradeStats,
} from '../../reports/index.js';
import { fmtCoin, fmtCoinSigned, fmtSigned } from './format.js';

/** The currency the reports' tables are in: the account's settle coin (equity is reported in it). */
export const REPORT_CCY = 'USDT';

export function fmtWinRate(t: TradeStats): string {
  return t.winRate === null ? '—' : `${Math.round(t.winRate * 100)}%`;
}

/** Gross wins / gross losses; ∞ with wins and no loss, — without either. */
export function fmtProfitFactor(t: TradeStats, ccy = REPORT_CCY): string {
  const pf = t.profitFactor.get(ccy);
  if (pf === undefined) return '—';
  if (pf === null) return (t.netPnl.get(ccy)?.gt(ZERO) ?? false) ? '∞' : '—';
  return pf.toFixed(2);
}

/** Mean net PnL per closed trade. */
export function fmtExpectancy(t: TradeStats, ccy = REPORT_CCY): string {
  const e = t.expectancy.get(ccy);
  return e ? fmtSigned(e) : '—';
}

/** "fees also 0.001 BTC, realized also +5 USDC": what the figures hold besides `ccy`; '' when nothing. */
export function alsoText(f: CurrencyFigures, ccy = REPORT_CCY): string {
  const parts: string[] = [];
  for (const [coin, n] of otherCurrencies(f, ccy)) {
    if (!n.realized.isZero()) parts.push(`realized also ${fmtCoinSigned(n.realized, coin)} ${coin}`);
    if (!n.fees.isZero()) parts.push(`fees also ${fmtCoin(n.fees, coin)} ${coin}`);
    if (!n.funding.isZero()) parts.push(`funding also ${fmtCoinSigned(n.funding, coin)} ${coin}`);
  }
  return parts.join(', ');
}

/**
 * How a net splits against the trade list, every part named: "closed trades -4.31 (as /trades) + open
 * positions -0.44 (fees, partial closes)". Zero parts other than the closed trades are left out.
 */
export function breakdownText(b: PnlBreakdown): string {
  const parts = [`closed trades ${fmtSigned(b.closed)} (as /trades)`];
  if (!b.open.isZero()) parts.push(`open positions ${fmtSigned(b.open)} (fees, partial closes)`);
  if (!b.earlier.isZero()) parts.push(`${fmtSigned(b.earlier.neg())} of those trades booked earlier`);
  if (!b.funding.isZero()) parts.push(`funding ${fmtSigned(b.funding)}`);
  if (!b.other.isZero()) parts.push(`spot FIFO and coin fees ${fmtSigned(b.other)}`);
  return `net ${fmtSigned(b.net)} = ${parts.join(' + ')}`;
}
