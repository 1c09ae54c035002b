// Valuation: positions at their marks, account equity and exposure. Pure arithmetic on Decimal.
import { ZERO, type Decimal } from '../domain/decimal.js';
import type { BalanceInput, Exposure, PositionInput, PositionView } from './types.js';

function avgEntryOf(p: PositionInput): Decimal | null {
  return 'avgEntryPrice' in p ? p.avgEntryPrice : p.avgEntry;
}

function rowMark(p: PositionInput): Decimal | null {
  return 'markPrice' in p && p.markPrice ? p.markPrice : null;
}

/**
 * Value each open position: the marks map wins, then a mark stored on the row. Without either the entry
 * price stands in (named in missingMarks), so a missing quote never makes a position look free.
 */
export function valuePositions(
  positions: readonly PositionInput[],
  marks: ReadonlyMap<string, Decimal>,
): { positions: PositionView[]; missingMarks: string[] } {
  const views: PositionView[] = [];
  const missingMarks: string[] = [];
  for (const p of positions) {
    if (p.size.isZero()) continue;
    const avgEntry = avgEntryOf(p);
    const known = marks.get(p.symbol) ?? rowMark(p);
    if (known === null) missingMarks.push(p.symbol);
    const markPrice = known ?? avgEntry ?? ZERO;
    views.push({
      symbol: p.symbol,
      category: p.category,
      size: p.size,
      avgEntry,
      markPrice,
      hasMark: known !== null,
      unrealizedPnl: avgEntry === null ? ZERO : markPrice.minus(avgEntry).mul(p.size),
      notional: p.size.abs().mul(markPrice),
    });
  }
  return { positions: views, missingMarks };
}

function quoteBalance(balances: readonly BalanceInput[], quoteCoin: string): BalanceInput | undefined {
  return balances.find((b) => b.coin === quoteCoin);
}

/**
 * Equity in the quote coin: cash, plus spot holdings at mark (the holding is the asset), plus derivatives'
 * unrealized PnL (the wallet already holds their realized PnL). Other coins' balances are not counted:
 * spot holdings come from the positions, so counting the coin balance too would count them twice.
 */
export function equityFrom(input: {
  balances: readonly BalanceInput[];
  positions: readonly PositionView[];
  quoteCoin?: string;
}): Decimal {
  const cash = quoteBalance(input.balances, input.quoteCoin ?? 'USDT')?.walletBalance ?? ZERO;
  return input.positions.reduce(
    (eq, p) => eq.plus(p.category === 'spot' ? p.size.mul(p.markPrice) : p.unrealizedPnl),
    cash,
  );
}

export function availableFrom(balances: readonly BalanceInput[], quoteCoin = 'USDT'): Decimal {
  const b = quoteBalance(balances, quoteCoin);
  return b?.available ?? b?.walletBalance ?? ZERO;
}

export function exposure(positions: readonly PositionView[]): Exposure {
  const net = new Map<string, Decimal>();
  const perSymbol = new Map<string, Decimal>();
  let gross = ZERO;
  let openPositions = 0;
  for (const p of positions) {
    if (p.size.isZero()) continue;
    openPositions += 1;
    gross = gross.plus(p.notional);
    net.set(p.symbol, (net.get(p.symbol) ?? ZERO).plus(p.size.mul(p.markPrice)));
    perSymbol.set(p.symbol, (perSymbol.get(p.symbol) ?? ZERO).plus(p.notional));
  }
  return { gross, net, perSymbol, openPositions };
}
