// A period's figures in one currency: net = realized − fees + funding, all in that currency. Amounts in
// other currencies (a BTC fee on a spot buy, a USDC-settled perp) are never converted; they are listed.
import { ZERO, type Decimal } from '../domain/decimal.js';

/** The money parts of PeriodFigures (by currency). */
export interface CurrencyFigures {
  readonly realizedPnl: ReadonlyMap<string, Decimal>;
  readonly fees: ReadonlyMap<string, Decimal>;
  readonly funding: ReadonlyMap<string, Decimal>;
}

export interface CurrencyNet {
  readonly realized: Decimal;
  readonly fees: Decimal;
  readonly funding: Decimal;
  /** realized − fees + funding. */
  readonly net: Decimal;
}

export function netIn(f: CurrencyFigures, ccy: string): CurrencyNet {
  const realized = f.realizedPnl.get(ccy) ?? ZERO;
  const fees = f.fees.get(ccy) ?? ZERO;
  const funding = f.funding.get(ccy) ?? ZERO;
  return { realized, fees, funding, net: realized.minus(fees).plus(funding) };
}

/** Every currency but `ccy` with a non-zero part, sorted by name. */
export function otherCurrencies(f: CurrencyFigures, ccy: string): [string, CurrencyNet][] {
  const coins = new Set([...f.realizedPnl.keys(), ...f.fees.keys(), ...f.funding.keys()]);
  coins.delete(ccy);
  return [...coins]
    .sort()
    .map((c): [string, CurrencyNet] => [c, netIn(f, c)])
    .filter(([, n]) => !(n.realized.isZero() && n.fees.isZero() && n.funding.isZero()));
}

/** The figures a breakdown reads besides the money parts (PeriodFigures satisfies it). */
export interface TradeFigures extends CurrencyFigures {
  readonly trades: { readonly netPnl: ReadonlyMap<string, Decimal> };
  readonly openTrades: ReadonlyMap<string, Decimal>;
  readonly earlier: ReadonlyMap<string, Decimal>;
}

/**
 * A period's net split the way the trade list sees it: net = closed − earlier + open + funding + other.
 * closed: the round trips closed in the period after all their fees (what /trades sums); open: what the
 * period's fills added to trades still open at its end; earlier: what fills before the period added to
 * the trades closed in it; other: spot lots matched FIFO (as the tax export) instead of at the average
 * entry, and base-coin fees, which a trade values at its fill price. Zero for perps settled in `ccy`.
 */
export interface PnlBreakdown extends CurrencyNet {
  readonly closed: Decimal;
  readonly open: Decimal;
  readonly earlier: Decimal;
  readonly other: Decimal;
}

export function pnlBreakdown(f: TradeFigures, ccy: string): PnlBreakdown {
  const n = netIn(f, ccy);
  const closed = f.trades.netPnl.get(ccy) ?? ZERO;
  const open = f.openTrades.get(ccy) ?? ZERO;
  const earlier = f.earlier.get(ccy) ?? ZERO;
  const other = n.realized.minus(n.fees).minus(closed.minus(earlier).plus(open));
  return { ...n, closed, open, earlier, other };
}
