// The account as the kernel holds it: books, marks, closed round trips and the equity peak, and the
// read-only portfolio view risk judges on. Exact (Decimal) where money is decided; a float mirror of
// equity per bar for curves and for catching the peak between decisions without Decimal work per bar.
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Category, Instrument } from '../domain/instrument.js';
import { buildPortfolioView } from '../portfolio/view.js';
import type { ClosedTrade, PortfolioView } from '../portfolio/types.js';
import { BookLedger, symbolKey, type ClosedRoundTrip } from './books.js';

interface SymbolFloat {
  size: number;
  cost: number;
  mark: number;
}

export class AccountState {
  readonly ledger = new BookLedger();
  readonly trips: ClosedRoundTrip[] = [];
  private readonly closedTrades: ClosedTrade[] = [];
  private readonly instruments = new Map<string, Instrument>();
  private readonly markF = new Map<string, number>();
  private readonly markD = new Map<string, { f: number; d: Decimal }>();
  private readonly floats = new Map<string, SymbolFloat>();
  private cashF: number;
  /** Exact equity peak, and the marks of a float high not yet settled into it. */
  private peak: Decimal;
  private peakF: number;
  private peakMarks: Map<string, number> | null = null;
  /** Live: the venue's wallet, which replaces the backtest's starting cash plus realized PnL. */
  private wallet: { walletBalance: Decimal; available: Decimal } | null = null;

  constructor(
    instruments: readonly Instrument[],
    private readonly startingCash: Decimal,
    readonly quoteCoin: string,
  ) {
    for (const i of instruments) this.addInstrument(i);
    this.cashF = startingCash.toNumber();
    this.peak = startingCash;
    this.peakF = this.cashF;
  }

  /** Live: an operator may trade a symbol no instance trades; its instrument joins the account. */
  addInstrument(i: Instrument): void {
    const key = symbolKey(i.category, i.symbol);
    this.instruments.set(key, i);
    this.ledger.register(i);
  }

  hasInstrument(category: Category, symbol: string): boolean {
    return this.instruments.has(symbolKey(category, symbol));
  }

  instrument(category: Category, symbol: string): Instrument {
    const i = this.instruments.get(symbolKey(category, symbol));
    if (!i) throw new RangeError(`no instrument ${category} ${symbol}`);
    return i;
  }

  /** A bar closed: the symbol's mark moves; the float equity is checked for a new high. */
  mark(category: Category, symbol: string, close: number): void {
    const key = symbolKey(category, symbol);
    this.markF.set(key, close);
    const f = this.floats.get(key);
    if (f) f.mark = close;
    const eq = this.equityFloat();
    if (eq > this.peakF) {
      this.peakF = eq;
      this.peakMarks = new Map(this.markF);
    }
  }

  /** The exact mark: the float close is the double nearest the venue's decimal, so its shortest form is that decimal. */
  markPrice(category: Category, symbol: string): Decimal | null {
    const key = symbolKey(category, symbol);
    const f = this.markF.get(key);
    if (f === undefined) return null;
    const cached = this.markD.get(key);
    if (cached && cached.f === f) return cached.d;
    const d = new Decimal(String(f));
    this.markD.set(key, { f, d });
    return d;
  }

  equityFloat(): number {
    let eq = this.cashF;
    for (const f of this.floats.values()) if (f.size !== 0) eq += f.size * f.mark - f.cost;
    return eq;
  }

  /** Settle a float high into the exact peak before positions change (fills) or risk reads it. */
  settlePeak(): void {
    if (!this.peakMarks) return;
    const eq = this.equityAt(this.peakMarks);
    if (eq.gt(this.peak)) this.peak = eq;
    this.peakMarks = null;
  }

  /** After a fill was folded into a book: refresh the symbol's float mirror and the cash level. */
  afterFill(category: Category, symbol: string, trip: ClosedRoundTrip | null): void {
    const key = symbolKey(category, symbol);
    let size = ZERO;
    let cost = ZERO;
    for (const { position: p } of this.ledger.booksOn(category, symbol)) {
      size = size.plus(p.size);
      cost = cost.plus(p.size.mul(p.avgEntryPrice ?? ZERO));
    }
    const mark = this.markF.get(key) ?? 0;
    this.floats.set(key, { size: size.toNumber(), cost: cost.toNumber(), mark });
    this.cashF = this.realizedLevel().toNumber();
    if (trip) {
      this.trips.push(trip);
      this.closedTrades.push({ symbol: trip.symbol, closedAt: trip.closedAt, pnl: trip.pnl });
    }
  }

  /** Starting cash plus every book's realized PnL − fees + funding: the wallet of a linear account. */
  private realizedLevel(): Decimal {
    let level = this.startingCash;
    for (const { position: p } of this.ledger.entries()) level = level.plus(p.netRealizedPnl);
    return level;
  }

  private equityAt(marks: ReadonlyMap<string, number>): Decimal {
    let eq = this.realizedLevel();
    for (const n of this.ledger.netPositions()) {
      if (n.size.isZero() || n.avgEntry === null) continue;
      const m = marks.get(symbolKey(n.category, n.symbol));
      if (m === undefined) continue;
      eq = eq.plus(new Decimal(String(m)).minus(n.avgEntry).mul(n.size));
    }
    return eq;
  }

  equity(): Decimal {
    if (this.wallet) return this.view(0).equity;
    return this.equityAt(this.markF);
  }

  /** Live: the quote coin's wallet as the venue reports it (realized PnL is already in it). */
  setWallet(walletBalance: Decimal, available: Decimal): void {
    this.wallet = { walletBalance, available };
  }

  /** Live: the equity peak as stored (equity snapshots), raised by the equity seen since. */
  restorePeak(peak: Decimal): void {
    if (peak.gt(this.peak)) this.peak = peak;
  }

  /**
   * The closed trades risk reads: today's (daily loss) and the losing streak at the end (cool-down),
   * walked back from the newest, so a long backtest's history does not make every decision slower.
   */
  private recentTrades(now: number): readonly ClosedTrade[] {
    const dayStart = now - (now % 86_400_000);
    const t = this.closedTrades;
    let k = t.length;
    let streak = true;
    while (k > 0) {
      const c = t[k - 1] as ClosedTrade;
      streak &&= c.pnl.isNegative();
      if (!streak && c.closedAt < dayStart) break;
      k -= 1;
    }
    // One more than the streak, so the streak's start is seen as a break.
    return t.slice(Math.max(0, k - 1));
  }

  /**
   * What risk judges on. Spot holdings are bought with cash: the wallet is the realized level minus their
   * cost, and the view adds them back at mark. `sizeDelta` assumes orders already decided have filled
   * (a reversal's entry is judged on the position its exit leaves).
   */
  view(now: number, sizeDelta?: ReadonlyMap<string, Decimal>): PortfolioView {
    this.settlePeak();
    let wallet = this.realizedLevel();
    let margin = ZERO;
    const positions = this.ledger.netPositions().map((n) => {
      const delta = sizeDelta?.get(symbolKey(n.category, n.symbol));
      const size = delta ? n.size.plus(delta) : n.size;
      const avgEntry = size.isZero() ? null : (n.avgEntry ?? this.markPrice(n.category, n.symbol));
      if (n.category === 'spot') wallet = wallet.minus(size.mul(avgEntry ?? ZERO));
      else margin = margin.plus(size.abs().mul(avgEntry ?? ZERO));
      return { category: n.category, symbol: n.symbol, size, avgEntry };
    });
    const marks = new Map<string, Decimal>();
    for (const p of positions) {
      const m = this.markPrice(p.category, p.symbol);
      if (m) marks.set(p.symbol, m);
    }
    const balance = this.wallet
      ? { coin: this.quoteCoin, ...this.wallet }
      : { coin: this.quoteCoin, walletBalance: wallet, available: wallet.minus(margin) };
    return buildPortfolioView({
      balances: [balance],
      positions,
      marks,
      closedTrades: this.recentTrades(now),
      peakEquity: this.peak,
      now,
      quoteCoin: this.quoteCoin,
    });
  }
}
