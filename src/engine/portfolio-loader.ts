// Builds the read-only portfolio view (for risk and strategies) from the database and fresh exchange
// data: balances from the wallet, marks from tickers, round-trip results stored with the fills.
import { upsertBalance } from '../db/repos/account.js';
import { loadAccountState, type AccountState } from '../db/repos/account-state.js';
import { ZERO, type Decimal } from '../domain/decimal.js';
import type { Category } from '../domain/instrument.js';
import { buildPortfolioView, utcDayStart, type PortfolioView } from '../portfolio/index.js';
import type { MarketView } from '../risk/types.js';
import type { EngineDeps } from './deps.js';
import { Memo } from './memo.js';
import { tickerBook } from './ticker-book.js';

/**
 * The wallet is read over REST at most once a second per process and shared by concurrent proposals:
 * at a candle close hundreds of instances would otherwise each spend a private REST call (and Bybit's
 * rate limit) on a figure that changes only with fills and funding.
 */
const BALANCE_MAX_AGE_MS = 1_000;
/**
 * A proposal does not wait for that refresh while the balances it replaces are younger than this: the
 * refresh runs beside it (wallet balances move with fills and funding, which risk reads from the
 * database anyway), so the wallet's REST round trip stays off the path to the order.
 */
const STALE_OK_MS = 3_000;
const balanceMemo = new Memo<void>(BALANCE_MAX_AGE_MS, STALE_OK_MS);

async function pullBalances(deps: EngineDeps): Promise<void> {
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

/** Refresh the balances from the exchange (at most once a second); the stored ones stand if it fails. */
export function refreshBalances(deps: EngineDeps, opts: { force?: boolean } = {}): Promise<void> {
  if (opts.force) balanceMemo.forget(deps.db, 'wallet');
  return balanceMemo.get(deps.db, 'wallet', () => pullBalances(deps));
}

/** Whether refreshBalances() would answer at once, with balances fresh enough for a decision. */
export function balancesReady(deps: EngineDeps): boolean {
  return balanceMemo.usable(deps.db, 'wallet');
}

/** The symbol's price now: over REST, or (`streamed`) from the public stream while it is fresh. */
export async function marketView(
  deps: EngineDeps,
  category: Category,
  symbol: string,
  opts: { streamed?: boolean } = {},
): Promise<MarketView> {
  const live = opts.streamed ? tickerBook(deps.exchange, deps.log).live(category, symbol) : null;
  const [t] = live ? [live] : await deps.exchange.tickers(category, symbol);
  if (!t) throw new Error(`no ticker for ${category} ${symbol}`);
  return { lastPrice: t.lastPrice, ...(t.markPrice ? { markPrice: t.markPrice } : {}), dataTs: t.ts };
}

/** What the view (and a risk decision) is built from: the account as stored, read in one statement. */
export interface PortfolioInputs extends AccountState {
  readonly now: number;
}

export async function loadPortfolioInputs(deps: EngineDeps): Promise<PortfolioInputs> {
  const now = deps.clock.now();
  return { ...(await loadAccountState(deps.db, utcDayStart(now), now)), now };
}

/** Marks of other positions change every moment, but a second's age does not matter for exposure. */
const MARKS_MAX_AGE_MS = 1_000;
/** Up to this many symbols are asked one by one; more take the whole category in one (large) answer. */
const MARKS_ONE_BY_ONE = 3;
const tickerMarksMemo = new Memo<ReadonlyMap<string, Decimal>>(MARKS_MAX_AGE_MS, STALE_OK_MS);

async function tickerMarks(deps: EngineDeps, category: Category, symbol?: string) {
  const out = new Map<string, Decimal>();
  for (const t of await deps.exchange.tickers(category, symbol))
    out.set(t.symbol, t.markPrice ?? t.lastPrice);
  return out;
}

/** Marks for positions the caller has none for; an unanswered one is valued at entry (missingMarks). */
async function marksFor(
  deps: EngineDeps,
  positions: readonly { category: string; symbol: string }[],
): Promise<Map<string, Decimal>> {
  const out = new Map<string, Decimal>();
  const byCategory = new Map<Category, string[]>();
  for (const p of positions) {
    const c = p.category as Category;
    byCategory.set(c, [...(byCategory.get(c) ?? []), p.symbol]);
  }
  await Promise.all(
    [...byCategory].map(async ([category, symbols]) => {
      try {
        const found =
          symbols.length <= MARKS_ONE_BY_ONE
            ? await Promise.all(
                symbols.map((s) =>
                  tickerMarksMemo.get(deps.db, `${category}:${s}`, () => tickerMarks(deps, category, s)),
                ),
              )
            : [await tickerMarksMemo.get(deps.db, category, () => tickerMarks(deps, category))];
        for (const m of found) for (const [s, v] of m) if (symbols.includes(s)) out.set(s, v);
      } catch {
        // Left out: valued at entry and reported in missingMarks.
      }
    }),
  );
  return out;
}

/**
 * The position one symbol is judged at instead of the stored one: flat for a reversal's entry (its exit
 * goes first), or what it will be once the instance's earlier orders on their way have filled.
 */
export interface PositionOverride {
  readonly symbol: string;
  readonly category: Category;
  readonly size: Decimal;
}

/** The view from loaded inputs, with marks for every open position (`extraMarks` take precedence). */
export async function viewFromInputs(
  deps: EngineDeps,
  inputs: PortfolioInputs,
  extraMarks: ReadonlyMap<string, Decimal> = new Map(),
  override?: PositionOverride,
): Promise<PortfolioView> {
  const at = (p: { symbol: string; category: string }) =>
    override !== undefined && p.symbol === override.symbol && p.category === override.category;
  const stored = inputs.positions.find(at);
  const positions: { category: Category; symbol: string; size: Decimal; avgEntry: Decimal | null }[] =
    inputs.positions
      .filter((p) => !at(p))
      .map((p) => ({
        category: p.category as Category,
        symbol: p.symbol,
        size: p.size,
        avgEntry: p.avgEntry,
      }));
  if (override && !override.size.isZero()) {
    // A position still being filled: its entry price is not known yet, so it is valued at the mark.
    const avgEntry = stored?.avgEntry ?? extraMarks.get(override.symbol) ?? null;
    positions.push({ symbol: override.symbol, category: override.category, size: override.size, avgEntry });
  }
  const marks = new Map(extraMarks);
  const missing = positions.filter((p) => !marks.has(p.symbol));
  for (const [symbol, mark] of await marksFor(deps, missing)) marks.set(symbol, mark);
  return buildPortfolioView({
    balances: inputs.balances,
    positions,
    marks,
    closedTrades: inputs.trades,
    peakEquity: inputs.peakEquity ?? ZERO,
    now: inputs.now,
  });
}

/** The view at `now`, with marks for every open position (and `extraMarks` for the symbol at hand). */
export async function loadPortfolioView(
  deps: EngineDeps,
  extraMarks: ReadonlyMap<string, Decimal> = new Map(),
  override?: PositionOverride,
): Promise<PortfolioView> {
  return viewFromInputs(deps, await loadPortfolioInputs(deps), extraMarks, override);
}

/**
 * A view at most `SHARED_VIEW_MS` old, shared by every tick of this process: a strategy reads its own
 * position fresh and takes only the account's equity from here, which a second's age does not change in
 * any way that matters, while 500 instances at one candle close would otherwise each rebuild it.
 */
const SHARED_VIEW_MS = 1_000;
const viewMemo = new Memo<PortfolioView>(SHARED_VIEW_MS, STALE_OK_MS);

export function sharedPortfolioView(deps: EngineDeps): Promise<PortfolioView> {
  return viewMemo.get(deps.db, 'view', () => loadPortfolioView(deps));
}
