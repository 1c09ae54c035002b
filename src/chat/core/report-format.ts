// Display strings shared by the report commands (pnl, performance, trades, status): the account currency,
// win rate, profit factor, and the amounts in other currencies that are listed instead of converted.
import { ZERO, type Decimal } from '../../domain/decimal.js';
import { otherCurrencies, type CurrencyFigures, type TradeStats } from '../../reports/index.js';
import { fmtQty, fmtSigned } from './format.js';

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

function signedExact(d: Decimal): string {
  return d.gt(ZERO) ? `+${fmtQty(d)}` : fmtQty(d);
}

/** "fees also 0.001 BTC, realized also +5 USDC": what the figures hold besides `ccy`; '' when nothing. */
export function alsoText(f: CurrencyFigures, ccy = REPORT_CCY): string {
  const parts: string[] = [];
  for (const [coin, n] of otherCurrencies(f, ccy)) {
    if (!n.realized.isZero()) parts.push(`realized also ${signedExact(n.realized)} ${coin}`);
    if (!n.fees.isZero()) parts.push(`fees also ${fmtQty(n.fees)} ${coin}`);
    if (!n.funding.isZero()) parts.push(`funding also ${signedExact(n.funding)} ${coin}`);
  }
  return parts.join(', ');
}
