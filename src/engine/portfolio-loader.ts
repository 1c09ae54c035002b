// Builds the read-only portfolio view (for risk and strategies) from the database and fresh exchange
// data: balances from the wallet, marks from tickers, closed trades from our stored fills.
import { listBalances, peakEquity, upsertBalance } from '../db/repos/account.js';
import { getInstrument } from '../db/repos/instruments.js';
import { listFills, listPositions } from '../db/repos/positions.js';
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import type { Category } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';
import {
  buildPortfolioView,
  closedTradesFromFills,
  type ClosedTrade,
  type PortfolioView,
} from '../portfolio/index.js';
import type { MarketView } from '../risk/types.js';
import type { EngineDeps } from './deps.js';

/** Refresh the quote balance from the exchange; fall back to the stored one when it does not answer. */
export async function refreshBalances(deps: EngineDeps): Promise<void> {
  try {
    const b = await deps.exchange.walletBalance();
    for (const c of b.coins) {
      await upsertBalance(deps.db, {
        coin: c.coin,
        walletBalance: c.walletBalance,
        available: c.walletBalance.minus(c.locked),
        equity: c.equity,
      });
    }
  } catch (e) {
    deps.log.warn(
      { err: e instanceof Error ? e.message : String(e) },
      'wallet balance unavailable; using stored',
    );
  }
}

export async function marketView(deps: EngineDeps, category: Category, symbol: string): Promise<MarketView> {
  const [t] = await deps.exchange.tickers(category, symbol);
  if (!t) throw new Error(`no ticker for ${category} ${symbol}`);
  return { lastPrice: t.lastPrice, ...(t.markPrice ? { markPrice: t.markPrice } : {}), dataTs: t.ts };
}

async function closedTrades(deps: EngineDeps): Promise<ClosedTrade[]> {
  const rows = (await listFills(deps.db)).filter((f) => f.execType === 'Trade');
  const bySymbol = new Map<string, typeof rows>();
  for (const r of rows)
    bySymbol.set(`${r.category}:${r.symbol}`, [...(bySymbol.get(`${r.category}:${r.symbol}`) ?? []), r]);
  const out: ClosedTrade[] = [];
  for (const [key, list] of bySymbol) {
    const [category, symbol] = key.split(':') as [Category, string];
    const inst = await getInstrument(deps.db, category, symbol);
    if (!inst) continue;
    const fills: Fill[] = list.map((r) => ({
      tradeId: r.execId,
      orderLinkId: r.orderLinkId,
      symbol: r.symbol,
      side: r.side as Side,
      qty: r.qty,
      price: r.price,
      fee: r.fee,
      feeCurrency: r.feeCurrency,
      ts: r.execTime,
    }));
    const res = closedTradesFromFills(inst, fills);
    if (res.ok) out.push(...res.trades);
  }
  return out;
}

/** The view at `now`, with marks for every open position (and `extraMarks` for the symbol at hand). */
export async function loadPortfolioView(
  deps: EngineDeps,
  extraMarks: ReadonlyMap<string, Decimal> = new Map(),
  exclude?: { symbol: string; category: Category },
): Promise<PortfolioView> {
  const positions = (await listPositions(deps.db)).filter(
    (p) => !p.size.isZero() && !(exclude && p.symbol === exclude.symbol && p.category === exclude.category),
  );
  const marks = new Map(extraMarks);
  const missing = [
    ...new Set(positions.filter((p) => !marks.has(p.symbol)).map((p) => p.category as Category)),
  ];
  // One ticker call per category, not one per position.
  await Promise.all(
    missing.map(async (category) => {
      try {
        for (const t of await deps.exchange.tickers(category)) {
          if (!marks.has(t.symbol)) marks.set(t.symbol, t.markPrice ?? t.lastPrice);
        }
      } catch {
        // An unknown mark is valued at entry and reported in missingMarks.
      }
    }),
  );
  const balances = await listBalances(deps.db);
  return buildPortfolioView({
    balances: balances.map((b) => ({ coin: b.coin, walletBalance: b.walletBalance, available: b.available })),
    positions: positions.map((p) => ({
      category: p.category as Category,
      symbol: p.symbol,
      size: p.size,
      avgEntry: p.size.isZero() ? null : p.avgEntry,
    })),
    marks,
    closedTrades: await closedTrades(deps),
    peakEquity: (await peakEquity(deps.db)) ?? ZERO,
    now: deps.clock.now(),
  });
}

export function signedSize(view: PortfolioView, symbol: string, category: Category): Decimal {
  return view.positions.find((p) => p.symbol === symbol && p.category === category)?.size ?? new Decimal(0);
}
