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
