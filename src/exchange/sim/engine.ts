// The simulator's exchange state: accounts, resting books, conditional orders, exchange-side TP/SL and funding.
// Every change is queued per account and flushed to the private stream after the request or price step.
import { randomUUID } from 'node:crypto';
import { type Decimal, dec, ZERO } from '../../domain/decimal.js';
import {
  Account,
  SETTLE,
  liqPriceOf,
  renderPosition,
  renderWallet,
  type MarkFn,
  type Position,
} from './account.js';
import type { SimBehaviour } from './behaviour.js';
import { INSTRUMENTS, type SimInstrument } from './instruments.js';
import { isOpen, renderOrder, type SimExecution, type SimOrder } from './orders.js';
import type { LiveBooks } from './live-book.js';
import { RestingBook } from './resting-book.js';
import { applyFunding, fillResting } from './fills.js';
import { checkTpsl, liquidate, triggerOrder } from './matching.js';

export interface EngineDeps {
  /** Server clock (with any injected skew): stamps on orders and executions. */
  now: () => number;
  last: (symbol: string) => Decimal;
  /** Full bid/ask spread in basis points around the last price. */
  spreadBps: number;
  /** 0 = whole fills; n >= 2 = split each fill into n executions (fault). */
  partialFills: () => number;
  fundingRate: Decimal;
  spotDuplicateCode: number;
  behaviour: SimBehaviour;
  /** Paper trading: the venue's books; the synthetic book around the last price otherwise. */
  liveBooks?: LiveBooks;
  /** Paper trading: the venue's current funding rate of a symbol (its tickers), else `fundingRate`. */
  fundingRateOf?: (symbol: string) => Decimal | undefined;
}

/** What one account's private stream should hear after a request or a price step. */
export interface PrivateBatch {
  account: string;
  orders: SimOrder[];
  executions: SimExecution[];
  positions: string[];
  wallet: boolean;
}

interface Pending {
  orders: Map<string, SimOrder>;
  executions: SimExecution[];
  positions: Set<string>;
  wallet: boolean;
}

const FUNDING_MS = 8 * 3_600_000;
const HALF_BPS = dec('0.00005');

export class Engine {
  readonly accounts = new Map<string, Account>();
  private readonly books = new Map<string, RestingBook>();
  /** symbol → untriggered conditional orders (both categories share the symbol's price path). */
  private readonly conditionals = new Map<string, Set<SimOrder>>();
  private readonly pending = new Map<Account, Pending>();
  private orderSeq = 0;
  private execSeq = 0;
  sink: (batch: PrivateBatch) => void = () => undefined;

  constructor(readonly deps: EngineDeps) {
    for (const i of INSTRUMENTS) this.books.set(`${i.category}:${i.symbol}`, new RestingBook());
  }

  readonly mark: MarkFn = (symbol) => this.deps.last(symbol);

  usdPrice = (coin: string): Decimal => {
    if (coin === SETTLE || coin === 'USDC') return dec('1');
    try {
      return this.deps.last(`${coin}USDT`);
    } catch {
      return ZERO;
    }
  };

  fundingRate(symbol: string): Decimal {
    return this.deps.fundingRateOf?.(symbol) ?? this.deps.fundingRate;
  }

  addAccount(key: string, balances: ReadonlyMap<string, Decimal>): Account {
    const a = new Account(key, String(100_000 + this.accounts.size));
    for (const [coin, amount] of balances) a.coin(coin).wallet = amount;
    a.coin(SETTLE);
    this.accounts.set(key, a);
    return a;
  }

  account(key: string): Account {
    const a = this.accounts.get(key);
    if (!a) throw new Error(`no account for key ${key}`);
    return a;
  }

  /** Wire rows as the behaviour switches say they print (unset prices, cross-margin fields, withdrawable). */
  renderOrder(o: SimOrder, withCategory: boolean): Record<string, unknown> {
    return renderOrder(o, withCategory, this.deps.behaviour.settings.unsetPrice);
  }

  renderPosition(a: Account, p: Position, ws: boolean): Record<string, unknown> {
    const opts = { cross: a.marginMode === 'REGULAR_MARGIN', unset: this.deps.behaviour.settings.unsetPrice };
    return renderPosition(p, this.mark(p.inst.symbol), ws, opts);
  }

  renderWallet(a: Account, only?: Set<string>): ReturnType<typeof renderWallet> {
    const withdrawable = this.deps.behaviour.settings.availableToWithdraw === 'amount';
    return renderWallet(a, this.mark, this.usdPrice, only, withdrawable);
  }

  /** What an order of `inst` paying in `coin` may spend: linear margin counts collateral coins (haircut). */
  available(a: Account, inst: SimInstrument, coin: string): Decimal {
    if (inst.category === 'linear') return a.availableMargin(this.mark, this.usdPrice);
    return coin === SETTLE ? a.availableUsdt(this.mark) : a.freeCoin(coin);
  }

  nextOrderSeq(): number {
    return ++this.orderSeq;
  }

  nextExecSeq(): number {
    return ++this.execSeq;
  }

  newId(): string {
    return randomUUID();
  }

  /** Best bid and ask around the last price: half the spread each side, rounded away to the tick. */
  bidAsk(inst: SimInstrument): { bid: Decimal; ask: Decimal } {
    const live = this.deps.liveBooks?.top(inst.category, inst.symbol);
    if (live) return { bid: live.bid.price, ask: live.ask.price };
    const last = this.deps.last(inst.symbol);
    const half = last.mul(HALF_BPS).mul(this.deps.spreadBps);
    const t = inst.tickSize;
    let bid = last.sub(half).div(t).floor().mul(t);
    let ask = last.add(half).div(t).ceil().mul(t);
    if (ask.lte(bid)) ask = bid.add(t);
    if (bid.lte(ZERO)) bid = t;
    return { bid, ask };
  }

  book(inst: SimInstrument): RestingBook {
    return this.books.get(`${inst.category}:${inst.symbol}`) as RestingBook;
  }

  addConditional(o: SimOrder): void {
    let set = this.conditionals.get(o.inst.symbol);
    if (!set) {
      set = new Set();
      this.conditionals.set(o.inst.symbol, set);
    }
    set.add(o);
  }

  removeConditional(o: SimOrder): void {
    this.conditionals.get(o.inst.symbol)?.delete(o);
  }

  /** A point of the price path: fill what it crosses, fire triggers, then exchange-side TP/SL. */
  onPoint(symbol: string, price: Decimal): void {
    for (const cat of ['linear', 'spot'] as const) {
      const book = this.books.get(`${cat}:${symbol}`);
      if (!book || book.size === 0) continue;
      for (const o of book.crossedBy(price)) if (isOpen(o)) fillResting(this, o);
    }
    const conds = this.conditionals.get(symbol);
    if (conds && conds.size > 0) {
      for (const o of [...conds]) {
        const t = o.triggerPrice;
        if (!t) continue;
        if ((o.triggerDirection === 1 && price.gte(t)) || (o.triggerDirection === 2 && price.lte(t))) {
          conds.delete(o);
          triggerOrder(this, o);
        }
      }
    }
    for (const a of this.accounts.values()) {
      const p = a.positions.get(symbol);
      if (p && !p.size.isZero() && (p.takeProfit || p.stopLoss)) checkTpsl(this, a, p, price);
      if (p && !p.size.isZero() && a.marginMode === 'ISOLATED_MARGIN') {
        const liq = liqPriceOf(p);
        if (liq && (p.size.gt(ZERO) ? price.lte(liq) : price.gte(liq))) liquidate(this, a, p);
      }
    }
  }

  /** Funding is exchanged at 00:00, 08:00 and 16:00 UTC of market time. */
  onStep(prevT: number, t: number): void {
    const first = Math.floor(prevT / FUNDING_MS) + 1;
    const lastMark = Math.floor(t / FUNDING_MS);
    for (let k = Math.max(first, lastMark - 3); k <= lastMark; k++) {
      for (const a of this.accounts.values()) {
        for (const p of a.positions.values())
          if (!p.size.isZero()) applyFunding(this, a, p, this.fundingRate(p.inst.symbol));
      }
    }
    this.flush();
  }

  private pend(a: Account): Pending {
    let p = this.pending.get(a);
    if (!p) {
      p = { orders: new Map(), executions: [], positions: new Set(), wallet: false };
      this.pending.set(a, p);
    }
    return p;
  }

  touchOrder(a: Account, o: SimOrder): void {
    this.pend(a).orders.set(o.orderId, o);
  }

  touchExecution(a: Account, e: SimExecution): void {
    this.pend(a).executions.push(e);
  }

  touchPosition(a: Account, symbol: string): void {
    this.pend(a).positions.add(symbol);
  }

  touchWallet(a: Account): void {
    this.pend(a).wallet = true;
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [a, p] of batches) {
      this.sink({
        account: a.key,
        orders: [...p.orders.values()],
        executions: p.executions,
        positions: [...p.positions],
        wallet: p.wallet,
      });
    }
  }
}
