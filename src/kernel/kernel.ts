// The trading kernel: one deterministic decision maker per account, for live trading and backtests
// alike. It is fed events (bar closed, venue report, timer, operator command) and answers commands
// (place / amend / cancel, set leverage, ask approval, notices). No I/O, no clock of its own.
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import { roundQtyDown, type Category, type Instrument } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';
import { evaluateRisk } from '../risk/evaluate.js';
import type { Denial, OrderProposal, SizingSpec, TradingState } from '../risk/types.js';
import type { BookView, EntrySpec, ExitSpec, OpenOrderView, PriceSpec, TrailingSpec } from '../sdk/types.js';
import { AccountState } from './account.js';
import { EXTERNAL_BOOK, MANUAL_BOOK, reducesAtVenue, symbolKey } from './books.js';
import { InstanceRuntime, type Action } from './instance.js';
import {
  isFinalIntentStatus,
  nextIntentStatus,
  type IntentEvent,
  type IntentStatus,
} from './intent-transitions.js';
import { fundingReceived } from './margin.js';
import { limitPrice, stopPrice, takeProfitPrice, tighter, trailingStop } from './protection.js';
import type {
  BarEvent,
  Command,
  KernelConfig,
  KernelOrder,
  OperatorCommand,
  OrderPurpose,
  OrderReport,
} from './types.js';
import { intervalMs } from '../domain/intervals.js';

export type IntentPurpose = 'entry' | 'add' | 'exit' | 'manual';

export interface IntentState {
  readonly ref: string;
  readonly book: string;
  readonly category: Category;
  readonly symbol: string;
  readonly side: Side;
  readonly purpose: IntentPurpose;
  status: IntentStatus;
  reason: string;
  readonly createdAt: number;
  /** Who asked for it ("telegram:42"): a requester never approves their own trade. Null for a strategy's. */
  readonly by: string | null;
  /** Approved size and price (null before risk). */
  qty: Decimal | null;
  price: Decimal | null;
  readonly type: 'market' | 'limit' | 'post-only';
  readonly priceSpec: PriceSpec | null;
  readonly timeoutBars: number;
  requotesLeft: number;
  attempt: number;
  filled: Decimal;
  denials: readonly Denial[];
  /** Protection to put on once the entry fills. */
  readonly protect: { stop?: PriceSpec; takeProfit?: PriceSpec; trailing?: TrailingSpec } | null;
}

export interface OrderState {
  readonly order: KernelOrder;
  cumQty: Decimal;
  open: boolean;
  /** Why the kernel asked for its cancel (a limit's time-out), to tell its end apart from the venue's. */
  cancelReason: string | null;
}

/** A book's protection on its symbol: the specs asked for, the prices in force and the orders carrying them. */
export interface Protection {
  stopSpec: PriceSpec | null;
  tpSpec: PriceSpec | null;
  trailing: TrailingSpec | null;
  stop: Decimal | null;
  tp: Decimal | null;
  best: Decimal | null;
  stopRef: string | null;
  tpRef: string | null;
}

export type ProtectionRecord = Protection & { book: string; category: Category; symbol: string };

export interface KernelChanges {
  readonly intents: readonly IntentState[];
  readonly orders: readonly OrderState[];
  readonly protections: readonly ProtectionRecord[];
}

/** What a live process reads back from Postgres to take over an account. */
export interface KernelSnapshot {
  /** Every book's fills in venue order (execution time, then the venue's sequence). */
  readonly fills: readonly { book: string; category: Category; fill: Fill }[];
  /** Intents not yet final. */
  readonly intents: readonly IntentState[];
  /** Orders still open at the venue (entries, exits, stops, take-profits). */
  readonly orders: readonly OrderState[];
  readonly protections: readonly ProtectionRecord[];
  readonly tradingState: TradingState;
  readonly now: number;
}

export interface KernelStats {
  readonly intents: number;
  readonly denied: number;
  readonly deniedByCheck: Readonly<Record<string, number>>;
  readonly approvalsAsked: number;
  readonly fills: number;
}

const DEFAULT_TIMEOUT_BARS = 3;
/** An operator's limit order rests a day (in one-minute bars) unless cancelled: a person placed it on purpose. */
const MANUAL_LIMIT_BARS = 1440;
const NOTHING: Command[] = Object.freeze([]) as unknown as Command[];

export class Kernel {
  readonly account: AccountState;
  readonly instances: readonly InstanceRuntime[];
  private readonly byId: ReadonlyMap<string, InstanceRuntime>;
  private readonly readers = new Map<string, { own: InstanceRuntime[]; informed: InstanceRuntime[] }>();
  readonly intents = new Map<string, IntentState>();
  /** Intents not yet final: what "is something on its way" asks, kept apart from history. */
  private readonly active = new Set<IntentState>();
  /** Orders still open at the venue (a finished one leaves the map). */
  private readonly orders = new Map<string, OrderState>();
  private readonly seenFills = new Set<string>();
  private readonly protections = new Map<string, Protection>();
  private readonly leverageSet = new Set<string>();
  /** Instances paused by the operator (`/pause`): they read bars and decide nothing. */
  private readonly paused = new Set<string>();
  private tradingState: TradingState = 'ACTIVE';
  private now = 0;
  private out: Command[] = [];
  private readonly deniedByCheck: Record<string, number> = {};
  /** Live: what each event changed, for the runner to write in one transaction before it sends anything. */
  private readonly journal = {
    intents: new Set<IntentState>(),
    orders: new Map<string, OrderState>(),
    protections: new Set<string>(),
  };
  private stats = { intents: 0, denied: 0, approvalsAsked: 0, fills: 0 };

  constructor(
    private readonly cfg: KernelConfig,
    /** Intent refs: time-sortable and globally unique live; a counter in backtests. */
    private readonly newRef: () => string,
  ) {
    this.account = new AccountState(cfg.instruments, cfg.startingCash, cfg.quoteCoin);
    this.instances = cfg.instances
      .filter((c) => c.enabled !== false)
      .map(
        (c) =>
          new InstanceRuntime(c, this.account.instrument(c.category, c.symbol), {
            book: () => this.bookView(c.id, c.category, c.symbol),
            equity: () => this.account.equity(),
          }),
      );
    this.byId = new Map(this.instances.map((r) => [r.id, r]));
  }

  get state(): TradingState {
    return this.tradingState;
  }

  summary(): KernelStats {
    return { ...this.stats, deniedByCheck: { ...this.deniedByCheck } };
  }

  /** An order still open at the venue, by its ref. */
  order(ref: string): KernelOrder | undefined {
    return this.orders.get(ref)?.order;
  }

  /** What the kernel knows of an open order: how much of it filled, and whether it asked for its cancel. */
  orderState(ref: string): Readonly<OrderState> | undefined {
    return this.orders.get(ref);
  }

  openOrders(): KernelOrder[] {
    return [...this.orders.values()].filter((o) => o.open).map((o) => o.order);
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────────────

  /** A bar closed on a series: marks move, protection trails, resting orders time out, strategies decide. */
  onBar(ev: BarEvent): Command[] {
    this.begin(ev.closedAt);
    const { category, symbol, interval } = ev.series;
    this.account.mark(category, symbol, ev.bar.close);
    if (this.orders.size > 0) this.expireRestingOrders();
    const readers = this.readersOf(category, symbol, interval);
    for (const rt of readers.informed) rt.pushInformative(symbol, interval, ev.bar);
    for (const rt of readers.own) {
      if (this.protections.size > 0) this.trail(rt.id, category, symbol);
      const actions = rt.onOwnBar(ev.bar);
      // A paused instance keeps its indicators current; what it asks for is dropped.
      if (this.paused.has(rt.id)) continue;
      for (const a of actions) this.act(rt, a);
    }
    return this.end();
  }

  /** The instances a series feeds, split by whether it is their own series; worked out once per series. */
  private readersOf(category: Category, symbol: string, interval: string) {
    const key = `${category}:${symbol}@${interval}`;
    let r = this.readers.get(key);
    if (!r) {
      const reading = this.instances.filter(
        (rt) => rt.cfg.category === category && rt.reads(symbol, interval),
      );
      r = {
        own: reading.filter((rt) => rt.isOwn(symbol, interval)),
        informed: reading.filter((rt) => !rt.isOwn(symbol, interval)),
      };
      this.readers.set(key, r);
    }
    return r;
  }

  onReport(r: OrderReport, now: number): Command[] {
    this.begin(now);
    if (r.kind === 'liquidated') {
      this.onLiquidated(r.category, r.symbol, r.price, r.ts, r.tradeId);
      return this.end();
    }
    const o = this.orders.get(r.ref);
    if (o) {
      if (r.kind === 'fill') this.onFill(o, r.fill);
      else if (r.kind === 'ended') this.onEnded(o, r.reason);
    }
    return this.end();
  }

  /** A funding time on a perpetual: every book with a position on the symbol pays or receives its own share. */
  onFunding(category: Category, symbol: string, rate: Decimal, mark: Decimal, ts: number): Command[] {
    this.begin(ts);
    for (const { book, position } of this.account.ledger.booksOn(category, symbol)) {
      const amount = fundingReceived(position.size, mark, rate);
      this.account.ledger.applyFunding(book, category, {
        id: `funding-${symbol}-${ts}-${book}`,
        symbol,
        amount,
        ts,
      });
      this.out.push({ kind: 'notice', notice: { kind: 'funding', book, symbol, amount, rate } });
    }
    this.account.afterFill(category, symbol, null);
    return this.end();
  }

  /**
   * The venue closed the net position at the bankruptcy price. The books on the net's side are closed in
   * proportion to their sizes (to the quantity step, the remainder to the largest), their protection cancelled.
   */
  private onLiquidated(
    category: Category,
    symbol: string,
    price: Decimal,
    ts: number,
    tradeId: string,
  ): void {
    const net = this.account.ledger.netSize(category, symbol);
    if (net.isZero()) return;
    const inst = this.account.instrument(category, symbol);
    const side = net.isPositive() ? 'Sell' : 'Buy';
    const books = this.account.ledger
      .booksOn(category, symbol)
      .filter((b) => b.position.size.isPositive() === net.isPositive())
      .sort((a, b) => b.position.size.abs().cmp(a.position.size.abs()));
    const total = books.reduce((t, b) => t.plus(b.position.size.abs()), ZERO);
    const shares = books.map((b) => roundQtyDown(inst, net.abs().mul(b.position.size.abs()).div(total)));
    const rest = net.abs().minus(shares.reduce((t, q) => t.plus(q), ZERO));
    if (shares.length > 0) shares[0] = (shares[0] as Decimal).plus(rest);
    books.forEach((b, k) => {
      const qty = shares[k] as Decimal;
      if (qty.isZero()) return;
      const fill: Fill = {
        tradeId: `${tradeId}-${b.book}`,
        orderLinkId: null,
        symbol,
        side,
        qty,
        price,
        fee: ZERO,
        feeCurrency: inst.quoteCoin,
        ts,
      };
      this.account.settlePeak();
      const r = this.account.ledger.applyFill(b.book, category, fill);
      if (!r.ok) return;
      this.account.afterFill(category, symbol, r.closed);
      this.out.push({
        kind: 'notice',
        notice: { kind: 'liquidated', book: b.book, symbol, qty, price, realizedPnl: r.closed?.pnl ?? null },
      });
      this.syncProtection(b.book, category, symbol);
    });
  }

  onOperator(cmd: OperatorCommand, now: number): Command[] {
    this.begin(now);
    switch (cmd.kind) {
      case 'trade':
        this.judge(
          this.newIntent(
            MANUAL_BOOK,
            cmd.category,
            cmd.symbol,
            cmd.side,
            'manual',
            `by ${cmd.by}`,
            cmd.price
              ? { type: 'limit', price: { price: cmd.price }, timeoutBars: MANUAL_LIMIT_BARS }
              : undefined,
            cmd.by,
          ),
          {
            qty: cmd.qty,
          },
        );
        break;
      case 'close-book': {
        // Every symbol the book holds: an instance's own, the manual book's, the external one's.
        const open = [...this.account.ledger.entries()].filter(
          (b) => b.book === cmd.book && !b.position.size.isZero(),
        );
        for (const { position: p } of open)
          this.exitBook(cmd.book, p.category, p.symbol, 1, `/close ${cmd.book} by ${cmd.by}`);
        break;
      }
      case 'pause':
        if (cmd.paused) this.paused.add(cmd.book);
        else this.paused.delete(cmd.book);
        break;
      case 'close-manual':
        this.exitBook(MANUAL_BOOK, cmd.category, cmd.symbol, 1, `/close ${cmd.symbol} by ${cmd.by}`);
        break;
      case 'set-trading-state':
        this.tradingState = cmd.state;
        break;
      case 'expire': {
        const it = this.intents.get(cmd.intentRef);
        if (it && it.status === 'awaiting-approval') this.end_(it, 'ApprovalExpired', `expired (${cmd.by})`);
        break;
      }
      case 'cancel-order': {
        const o = this.orders.get(cmd.ref);
        if (o) this.cancel(o, `cancelled by ${cmd.by}`);
        break;
      }
      case 'kill':
        this.kill(cmd.by, cmd.reason);
        break;
      case 'vote': {
        const it = this.intents.get(cmd.intentRef);
        if (it && it.status === 'awaiting-approval') {
          if (cmd.approve) {
            this.move(it, 'VotesReached');
            this.send(it);
          } else this.end_(it, 'VoteRejected', `rejected by ${cmd.by}`);
        }
        break;
      }
    }
    return this.end();
  }

  /**
   * A fill the kernel holds no open order for: a trade made outside bosun (the external book, never a
   * strategy's, so the books still sum to the venue's net), or a late fill of an order already ended.
   */
  onBookFill(book: string, category: Category, fill: Fill, now: number): Command[] {
    this.begin(now);
    if (this.seenFills.has(fill.tradeId)) return this.end();
    this.seenFills.add(fill.tradeId);
    this.stats.fills += 1;
    this.account.settlePeak();
    const r = this.account.ledger.applyFill(book, category, fill);
    if (!r.ok) {
      this.out.push({ kind: 'notice', notice: { kind: 'log', book, message: r.message } });
      return this.end();
    }
    this.account.afterFill(category, fill.symbol, r.closed);
    this.out.push({
      kind: 'notice',
      notice: {
        kind: 'fill',
        book,
        symbol: fill.symbol,
        side: fill.side,
        qty: fill.qty,
        price: fill.price,
        effect: r.effect,
        realizedPnl: r.closed?.pnl ?? null,
        fee: fill.fee,
      },
    });
    if (book !== EXTERNAL_BOOK) this.syncProtection(book, category, fill.symbol);
    return this.end();
  }

  /** Every series the instances read, with the bars each needs to stand warm (live start-up). */
  seriesRead(): { category: Category; symbol: string; interval: string; bars: number }[] {
    const out = new Map<string, { category: Category; symbol: string; interval: string; bars: number }>();
    for (const rt of this.instances) {
      for (const s of rt.series) {
        const symbol = s.symbol ?? rt.cfg.symbol;
        const key = `${rt.cfg.category}:${symbol}@${s.interval}`;
        const had = out.get(key);
        if (!had || had.bars < rt.lookback)
          out.set(key, { category: rt.cfg.category, symbol, interval: s.interval, bars: rt.lookback });
      }
    }
    return [...out.values()];
  }

  /** The kill switch: nothing new goes out, nothing waits for a vote, and every book is closed. */
  private kill(by: string, reason: string): void {
    this.tradingState = 'HALTED';
    for (const it of [...this.active]) {
      if (it.status === 'pending-risk' || it.status === 'awaiting-approval' || it.status === 'approved')
        this.end_(it, 'Withdrawn', `withdrawn by /kill (${by}): ${reason}`);
    }
    for (const o of this.orders.values()) {
      const p = o.order.purpose;
      if (o.open && p !== 'stop' && p !== 'take-profit') this.cancel(o, `/kill by ${by}`);
    }
    const open = [...this.account.ledger.entries()].filter((b) => !b.position.size.isZero());
    for (const { book, position: p } of open) {
      this.exitBook(book, p.category, p.symbol, 1, `/kill by ${by}: ${reason}`, undefined, true);
    }
  }

  // ── strategy actions ──────────────────────────────────────────────────────────────────────────────

  private act(rt: InstanceRuntime, a: Action): void {
    const { category, symbol } = rt.cfg;
    const book = rt.id;
    // Less than one quantity step is dust (a spot buy's fee taken in the coin): no position to act on.
    const size = tradable(
      this.account.instrument(category, symbol),
      this.account.ledger.position(book, category, symbol).size,
    );
    switch (a.kind) {
      case 'enter': {
        const side: Side = a.side === 'long' ? 'Buy' : 'Sell';
        const holding = size.isZero() ? null : size.isPositive() ? 'Buy' : 'Sell';
        if (holding === side || this.hasActive(book, ['entry'])) return;
        let delta: Decimal | undefined;
        if (holding !== null) {
          // A turn: the book's exit goes first, and the entry is judged on the position it leaves.
          this.exitBook(book, category, symbol, 1, a.spec.reason ?? `${rt.name} turned ${a.side}`);
          delta = size.neg();
        }
        this.entry(rt, side, 'entry', a.spec, delta);
        return;
      }
      case 'add': {
        if (size.isZero() || this.hasActive(book, ['entry', 'add'])) return;
        this.entry(rt, size.isPositive() ? 'Buy' : 'Sell', 'add', a.spec);
        return;
      }
      case 'exit':
        if (!size.isZero() && !this.hasActive(book, ['exit'])) {
          this.exitBook(
            book,
            category,
            symbol,
            a.spec.fraction ?? 1,
            a.spec.reason ?? `${rt.name} exit`,
            a.spec,
          );
        }
        return;
      case 'stop':
      case 'take-profit':
      case 'trailing': {
        const p = this.protection(book, category, symbol);
        if (a.kind === 'stop') [p.stopSpec, p.stop] = [a.spec, null];
        else if (a.kind === 'take-profit') [p.tpSpec, p.tp] = [a.spec, null];
        else p.trailing = a.spec;
        this.syncProtection(book, category, symbol);
        return;
      }
      case 'cancel':
        for (const o of this.orders.values()) {
          const purpose = o.order.purpose;
          if (o.open && o.order.book === book && purpose !== 'stop' && purpose !== 'take-profit') {
            this.cancel(o, 'cancelled by the strategy');
          }
        }
        return;
      case 'log':
        this.out.push({ kind: 'notice', notice: { kind: 'log', book, message: a.message } });
        return;
    }
  }

  private entry(
    rt: InstanceRuntime,
    side: Side,
    purpose: 'entry' | 'add',
    spec: EntrySpec,
    delta?: Decimal,
  ): void {
    const { category, symbol } = rt.cfg;
    const it = this.newIntent(
      rt.id,
      category,
      symbol,
      side,
      purpose,
      spec.reason ?? `${rt.name} ${purpose}`,
      spec,
    );
    const close = this.account.markPrice(category, symbol);
    const inst = this.account.instrument(category, symbol);
    const long = side === 'Buy';
    const stop = spec.stop && close ? stopPrice(inst, long, close, spec.stop) : undefined;
    const sizing = scaleSizing(rt.cfg.sizing, spec.sizeFactor ?? 1);
    this.setLeverage(rt);
    this.judge(it, { sizing, ...(stop ? { stopPrice: stop } : {}) }, delta);
  }

  /** Close `fraction` of a book's position; a remainder below the instrument's minimum closes it all. */
  private exitBook(
    book: string,
    category: Category,
    symbol: string,
    fraction: number,
    reason: string,
    spec?: ExitSpec,
    /** The kill switch's flatten: judged as one reducing whole, though books on opposite sides net at the venue. */
    kill = false,
  ): void {
    const size = this.account.ledger.position(book, category, symbol).size;
    if (size.isZero()) return;
    const inst = this.account.instrument(category, symbol);
    let qty = roundQtyDown(inst, size.abs().mul(new Decimal(String(Math.min(Math.max(fraction, 0), 1)))));
    const whole = roundQtyDown(inst, size.abs());
    if (size.abs().minus(qty).lt(inst.minOrderQty)) qty = whole;
    if (qty.isZero()) return;
    if (qty.eq(whole)) {
      for (const o of this.orders.values()) {
        const p = o.order.purpose;
        if (o.open && o.order.book === book && (p === 'entry' || p === 'add'))
          this.cancel(o, 'the book is closing');
      }
    }
    const side = size.isPositive() ? 'Sell' : 'Buy';
    const it = this.newIntent(book, category, symbol, side, 'exit', reason, spec);
    this.judge(it, { qty, ...(kill ? { kill } : {}) });
  }

  // ── intents: risk, approval, sending ────────────────────────────────────────────────────────────

  private newIntent(
    book: string,
    category: Category,
    symbol: string,
    side: Side,
    purpose: IntentPurpose,
    reason: string,
    spec?: EntrySpec | ExitSpec,
    by: string | null = null,
  ): IntentState {
    const type = spec?.type ?? 'market';
    const entry = spec && (purpose === 'entry' || purpose === 'add') ? (spec as EntrySpec) : null;
    const it: IntentState = {
      ref: this.newRef(),
      book,
      category,
      symbol,
      side,
      purpose,
      status: 'pending-risk',
      reason,
      createdAt: this.now,
      by,
      qty: null,
      price: null,
      type,
      priceSpec: type === 'market' ? null : (spec?.price ?? { pct: 0 }),
      timeoutBars: spec?.timeoutBars ?? DEFAULT_TIMEOUT_BARS,
      requotesLeft: spec?.requotes ?? 0,
      attempt: 0,
      filled: ZERO,
      denials: [],
      protect: entry
        ? {
            ...(entry.stop ? { stop: entry.stop } : {}),
            ...(entry.takeProfit ? { takeProfit: entry.takeProfit } : {}),
            ...(entry.trailing ? { trailing: entry.trailing } : {}),
          }
        : null,
    };
    this.intents.set(it.ref, it);
    this.active.add(it);
    this.touch(it);
    this.stats.intents += 1;
    return it;
  }

  private judge(
    it: IntentState,
    size: { qty?: Decimal; sizing?: SizingSpec; stopPrice?: Decimal; kill?: boolean },
    delta?: Decimal,
  ): void {
    const inst = this.account.instrument(it.category, it.symbol);
    const last = this.account.markPrice(it.category, it.symbol);
    if (!last) {
      this.end_(it, 'RiskDenied', `${it.symbol} has no price yet`);
      return;
    }
    const limit = it.priceSpec ? limitPrice(inst, it.side === 'Buy', last, it.priceSpec) : undefined;
    const isExit = it.purpose === 'exit';
    const net = this.account.ledger.netSize(it.category, it.symbol);
    const proposal: OrderProposal = {
      symbol: it.symbol,
      category: it.category,
      side: it.side,
      orderType: limit ? 'Limit' : 'Market',
      ...(size.qty ? { qty: size.qty } : {}),
      ...(size.sizing ? { sizing: size.sizing } : {}),
      ...(size.stopPrice ? { stopPrice: size.stopPrice } : {}),
      ...(limit ? { limitPrice: limit } : {}),
      reduceOnly:
        size.kill === true || (isExit && size.qty !== undefined && reducesAtVenue(net, it.side, size.qty)),
      source: size.kill ? 'kill' : isExit ? 'close' : it.purpose === 'manual' ? 'manual' : 'strategy',
    };
    const deltas = delta ? new Map([[symbolKey(it.category, it.symbol), delta]]) : undefined;
    const decision = evaluateRisk({
      proposal,
      instrument: inst,
      portfolio: this.account.view(this.now, deltas),
      market: { lastPrice: last, markPrice: last, dataTs: this.now },
      limits: this.cfg.limits,
      tradingState: this.tradingState,
      now: this.now,
      inFlight: this.inFlight(),
    });
    if (!decision.approved) {
      it.denials = decision.reasons;
      this.stats.denied += 1;
      for (const d of decision.reasons) this.deniedByCheck[d.check] = (this.deniedByCheck[d.check] ?? 0) + 1;
      this.out.push({
        kind: 'notice',
        notice: {
          kind: 'denied',
          book: it.book,
          symbol: it.symbol,
          intentRef: it.ref,
          reasons: decision.reasons,
        },
      });
      this.end_(it, 'RiskDenied', decision.reasons.map((d) => d.reason).join('; '));
      return;
    }
    it.qty = decision.qty;
    it.price = limit ?? null;
    const route = this.cfg.approvals(decision.notional, isExit);
    if (route.kind === 'ask' && !this.cfg.autoApprove) {
      this.move(it, 'ApprovalAsked');
      this.stats.approvalsAsked += 1;
      this.out.push({
        kind: 'ask-approval',
        intentRef: it.ref,
        votes: route.votes,
        expiresAt: this.now + this.cfg.approvalTtlMs,
      });
      return;
    }
    if (route.kind === 'ask') this.stats.approvalsAsked += 1;
    this.move(it, 'RiskApproved');
    this.send(it);
  }

  /** The order for an approved intent (or its requote), written into the command list. */
  private send(it: IntentState): void {
    const qty = (it.qty as Decimal).minus(it.filled);
    it.attempt += 1;
    const net = this.account.ledger.netSize(it.category, it.symbol);
    const order: KernelOrder = {
      ref: it.attempt === 1 ? it.ref : `${it.ref}-${it.attempt}`,
      intentRef: it.ref,
      book: it.book,
      category: it.category,
      symbol: it.symbol,
      side: it.side,
      type: it.price ? 'Limit' : 'Market',
      postOnly: it.type === 'post-only',
      qty,
      price: it.price,
      reduceOnly: it.purpose === 'exit' && reducesAtVenue(net, it.side, qty),
      trigger: null,
      purpose: it.purpose === 'manual' ? 'entry' : it.purpose,
      placedAt: this.now,
      expiresAt: it.price ? this.now + it.timeoutBars * this.barMs(it.book) : null,
    };
    this.place(order);
    if (it.status === 'approved') this.move(it, 'OrderSent');
  }

  private place(order: KernelOrder): void {
    const o: OrderState = { order, cumQty: ZERO, open: true, cancelReason: null };
    this.orders.set(order.ref, o);
    this.touchOrder(o);
    this.out.push({ kind: 'place', order });
  }

  private cancel(o: OrderState, reason: string): void {
    if (!o.open || o.cancelReason) return;
    o.cancelReason = reason;
    this.touchOrder(o);
    this.out.push({ kind: 'cancel', ref: o.order.ref, reason });
  }

  // ── venue reports ─────────────────────────────────────────────────────────────────────────────────

  private onFill(o: OrderState, fill: Fill): void {
    if (this.seenFills.has(fill.tradeId)) return;
    this.seenFills.add(fill.tradeId);
    this.stats.fills += 1;
    const { book, category, symbol } = o.order;
    this.account.settlePeak();
    const r = this.account.ledger.applyFill(book, category, fill);
    if (!r.ok) {
      this.out.push({ kind: 'notice', notice: { kind: 'log', book, message: r.message } });
      return;
    }
    this.account.afterFill(category, symbol, r.closed);
    o.cumQty = o.cumQty.plus(fill.qty);
    this.touchOrder(o);
    if (o.cumQty.gte(o.order.qty)) {
      o.open = false;
      this.orders.delete(o.order.ref);
    }
    this.out.push({
      kind: 'notice',
      notice: {
        kind: 'fill',
        book,
        symbol,
        side: fill.side,
        qty: fill.qty,
        price: fill.price,
        effect: r.effect,
        realizedPnl: r.closed?.pnl ?? null,
        fee: fill.fee,
      },
    });
    const it = this.intents.get(o.order.intentRef);
    if (it) {
      it.filled = it.filled.plus(fill.qty);
      this.touch(it);
      if (it.protect && (r.effect === 'opened' || r.effect === 'flipped')) {
        const p = this.protection(book, category, symbol);
        p.stopSpec = it.protect.stop ?? null;
        p.tpSpec = it.protect.takeProfit ?? null;
        p.trailing = it.protect.trailing ?? null;
        [p.stop, p.tp, p.best] = [null, null, null];
      }
      if (it.qty && it.filled.gte(it.qty) && it.status === 'submitted')
        this.end_(it, 'OrderFilled', 'filled');
    }
    this.syncProtection(book, category, symbol);
  }

  private onEnded(o: OrderState, venueReason: string): void {
    if (!o.open) return;
    o.open = false;
    this.orders.delete(o.order.ref);
    this.touchOrder(o);
    const p = this.protections.get(protKey(o.order.book, o.order.category, o.order.symbol));
    if (p && p.stopRef === o.order.ref) p.stopRef = null;
    if (p && p.tpRef === o.order.ref) p.tpRef = null;
    const it = this.intents.get(o.order.intentRef);
    if (!it || it.status !== 'submitted') return;
    const timedOut = o.cancelReason !== null && o.cancelReason.startsWith('timed out');
    if (timedOut && it.requotesLeft > 0) {
      it.requotesLeft -= 1;
      const inst = this.account.instrument(it.category, it.symbol);
      const last = this.account.markPrice(it.category, it.symbol);
      if (last && it.priceSpec) it.price = limitPrice(inst, it.side === 'Buy', last, it.priceSpec);
      this.send(it);
      return;
    }
    const reason = o.cancelReason ?? venueReason;
    if (timedOut) this.end_(it, it.filled.isZero() ? 'TimedOut' : 'OrderEnded', reason);
    else if (it.filled.isZero()) this.end_(it, o.cancelReason !== null ? 'Cancelled' : 'Failed', reason);
    else this.end_(it, 'OrderEnded', reason);
  }

  private expireRestingOrders(): void {
    for (const o of this.orders.values()) {
      const e = o.order.expiresAt;
      if (o.open && e !== null && e <= this.now)
        this.cancel(o, `timed out after ${(e - o.order.placedAt) / 1000} s`);
    }
  }

  // ── protection ────────────────────────────────────────────────────────────────────────────────────

  private protection(book: string, category: Category, symbol: string): Protection {
    const key = protKey(book, category, symbol);
    let p = this.protections.get(key);
    if (!p) {
      p = {
        stopSpec: null,
        tpSpec: null,
        trailing: null,
        stop: null,
        tp: null,
        best: null,
        stopRef: null,
        tpRef: null,
      };
      this.protections.set(key, p);
    }
    return p;
  }

  /** Move a trailing stop after a close (the kernel trails per bar: a venue trailing stop is per position, not per book). */
  private trail(book: string, category: Category, symbol: string): void {
    const p = this.protections.get(protKey(book, category, symbol));
    if (!p?.trailing) return;
    const pos = this.account.ledger.position(book, category, symbol);
    const close = this.account.markPrice(category, symbol);
    if (pos.size.isZero() || !close) return;
    const long = pos.size.isPositive();
    p.best = p.best === null ? close : long ? Decimal.max(p.best, close) : Decimal.min(p.best, close);
    this.syncProtection(book, category, symbol);
  }

  /** Put the book's protection at the venue as it should stand: placed, amended (price or size) or cancelled. */
  private syncProtection(book: string, category: Category, symbol: string): void {
    const key = protKey(book, category, symbol);
    const p = this.protections.get(key);
    if (!p) return;
    if (this.cfg.journal) this.journal.protections.add(key);
    const pos = this.account.ledger.position(book, category, symbol);
    const inst = this.account.instrument(category, symbol);
    if (tradable(inst, pos.size).isZero() || pos.avgEntryPrice === null) {
      for (const ref of [p.stopRef, p.tpRef]) {
        const o = ref ? this.orders.get(ref) : undefined;
        if (o) this.cancel(o, 'the book is flat');
      }
      Object.assign(p, { stopSpec: null, tpSpec: null, trailing: null, stop: null, tp: null, best: null });
      return;
    }
    const long = pos.size.isPositive();
    const entry = pos.avgEntryPrice;
    if (p.stopSpec && p.stop === null) p.stop = stopPrice(inst, long, entry, p.stopSpec);
    if (!p.stopSpec && !p.trailing) p.stop = null;
    if (p.trailing && p.best)
      p.stop = tighter(long, p.stop, trailingStop(inst, long, entry, p.best, p.trailing));
    if (p.tpSpec && p.tp === null) p.tp = takeProfitPrice(inst, long, entry, p.tpSpec);
    if (!p.tpSpec) p.tp = null;
    p.stopRef = this.keepConditional(p.stopRef, p.stop, 'stop', book, inst, pos.size, long);
    p.tpRef = this.keepConditional(p.tpRef, p.tp, 'take-profit', book, inst, pos.size, long);
  }

  private keepConditional(
    ref: string | null,
    price: Decimal | null,
    purpose: OrderPurpose,
    book: string,
    inst: Instrument,
    size: Decimal,
    long: boolean,
  ): string | null {
    const o = ref ? this.orders.get(ref) : undefined;
    const live = o && o.open && !o.cancelReason ? o : undefined;
    if (price === null) {
      if (live) this.cancel(live, `${purpose} removed`);
      return null;
    }
    const qty = roundQtyDown(inst, size.abs());
    if (qty.isZero()) {
      if (live) this.cancel(live, `${purpose}: nothing left to protect`);
      return null;
    }
    if (live) {
      const trigger = live.order.trigger?.price;
      const moveTo = trigger && !trigger.eq(price) ? price : undefined;
      const resize = !live.order.qty.eq(qty) ? qty : undefined;
      if (moveTo || resize) {
        const amended: KernelOrder = {
          ...live.order,
          ...(resize ? { qty: resize } : {}),
          ...(moveTo
            ? { trigger: { price: moveTo, direction: live.order.trigger?.direction ?? 'fall' } }
            : {}),
        };
        const next: OrderState = { ...live, order: amended };
        this.orders.set(amended.ref, next);
        this.touchOrder(next);
        this.out.push({
          kind: 'amend',
          ref: amended.ref,
          ...(resize ? { qty: resize } : {}),
          ...(moveTo ? { triggerPrice: moveTo } : {}),
        });
      }
      return live.order.ref;
    }
    const side: Side = long ? 'Sell' : 'Buy';
    const net = this.account.ledger.netSize(inst.category, inst.symbol);
    // A long's stop fires on a fall, its take-profit on a rise; a short's the other way round.
    const falls = (purpose === 'stop') === long;
    const order: KernelOrder = {
      // The intent-ref shape keeps it unique and within Bybit's 36 characters whatever the book is called.
      ref: `${this.newRef()}-${purpose === 'stop' ? 's' : 't'}`,
      intentRef: '',
      book,
      category: inst.category,
      symbol: inst.symbol,
      side,
      type: 'Market',
      postOnly: false,
      qty,
      price: null,
      reduceOnly: reducesAtVenue(net, side, qty),
      trigger: { price, direction: falls ? 'fall' : 'rise' },
      purpose,
      placedAt: this.now,
      expiresAt: null,
    };
    this.place(order);
    return order.ref;
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────

  private setLeverage(rt: InstanceRuntime): void {
    const { category, symbol, leverage } = rt.cfg;
    if (category !== 'linear' || !leverage) return;
    const key = `${symbol}:${leverage.toFixed()}`;
    if (this.leverageSet.has(key)) return;
    this.leverageSet.add(key);
    this.out.push({ kind: 'set-leverage', category, symbol, leverage });
  }

  private inFlight() {
    const out = [];
    for (const o of this.orders.values()) {
      const { order } = o;
      if (!o.open || order.reduceOnly || order.trigger) continue;
      const price = order.price ?? this.account.markPrice(order.category, order.symbol);
      if (!price) continue;
      out.push({
        category: order.category,
        symbol: order.symbol,
        side: order.side,
        qty: order.qty.minus(o.cumQty),
        price,
      });
    }
    return out;
  }

  private hasActive(book: string, purposes: readonly IntentPurpose[]): boolean {
    for (const it of this.active) if (it.book === book && purposes.includes(it.purpose)) return true;
    return false;
  }

  private barMs(book: string): number {
    const rt = this.byId.get(book);
    return rt ? intervalMs(rt.cfg.interval, this.now) : 60_000;
  }

  private move(it: IntentState, ev: IntentEvent): void {
    it.status = nextIntentStatus(it.status, ev);
    if (isFinalIntentStatus(it.status)) this.active.delete(it);
    this.touch(it);
  }

  private touch(it: IntentState): void {
    if (this.cfg.journal) this.journal.intents.add(it);
  }

  private touchOrder(o: OrderState): void {
    if (this.cfg.journal) this.journal.orders.set(o.order.ref, o);
  }

  /** What the events since the last call changed: intents, orders (open or finished) and protections. */
  takeChanges(): KernelChanges {
    const protections: ProtectionRecord[] = [];
    for (const key of this.journal.protections) {
      const p = this.protections.get(key);
      const [book, rest] = key.split('|') as [string, string];
      const [category, symbol] = rest.split(':') as [Category, string];
      if (p) protections.push({ book, category, symbol, ...p });
    }
    const out: KernelChanges = {
      intents: [...this.journal.intents].map((it) => ({ ...it })),
      orders: [...this.journal.orders.values()].map((o) => ({ ...o })),
      protections,
    };
    this.journal.intents.clear();
    this.journal.orders.clear();
    this.journal.protections.clear();
    return out;
  }

  /**
   * Rebuild the state a process owned before it stopped (live start, or another worker took over): the
   * books from their fills in venue order, what is still on its way, and the protection in force.
   */
  restore(s: KernelSnapshot): void {
    for (const f of s.fills) {
      const r = this.account.ledger.applyFill(f.book, f.category, f.fill);
      if (r.ok) this.account.afterFill(f.category, f.fill.symbol, r.closed);
    }
    for (const it of s.intents) {
      this.intents.set(it.ref, it);
      if (!isFinalIntentStatus(it.status)) this.active.add(it);
    }
    for (const o of s.orders) if (o.open) this.orders.set(o.order.ref, { ...o });
    for (const p of s.protections) {
      const { book, category, symbol, ...rest } = p;
      this.protections.set(protKey(book, category, symbol), { ...rest });
    }
    this.tradingState = s.tradingState;
    this.now = Math.max(this.now, s.now);
  }

  /** Replay closed bars into the strategies so their indicators stand where they were; nothing is decided. */
  warmUp(ev: BarEvent): void {
    const { category, symbol, interval } = ev.series;
    this.account.mark(category, symbol, ev.bar.close);
    const readers = this.readersOf(category, symbol, interval);
    for (const rt of readers.informed) rt.pushInformative(symbol, interval, ev.bar);
    for (const rt of readers.own) rt.onOwnBar(ev.bar);
  }

  /** Move an intent to a final status and say so. */
  private end_(it: IntentState, ev: IntentEvent, reason: string): void {
    this.move(it, ev);
    it.reason = reason;
    this.out.push({
      kind: 'notice',
      notice: {
        kind: 'intent-ended',
        book: it.book,
        symbol: it.symbol,
        intentRef: it.ref,
        status: it.status,
        reason,
      },
    });
  }

  private bookView(book: string, category: Category, symbol: string): BookView {
    const pos = this.account.ledger.position(book, category, symbol);
    const mark = this.account.markPrice(category, symbol);
    const rt = this.byId.get(book);
    const p = this.protections.get(protKey(book, category, symbol));
    const openOrders: OpenOrderView[] = [];
    for (const o of this.orders.values()) {
      if (!o.open || o.order.book !== book) continue;
      openOrders.push({
        ref: o.order.ref,
        purpose: o.order.purpose,
        side: o.order.side,
        type: o.order.trigger
          ? 'stop'
          : o.order.postOnly
            ? 'post-only'
            : o.order.type === 'Limit'
              ? 'limit'
              : 'market',
        qty: o.order.qty.minus(o.cumQty),
        price: o.order.trigger?.price ?? o.order.price,
        placedAt: o.order.placedAt,
      });
    }
    const entryTime = pos.openedAt;
    const step = rt ? intervalMs(rt.cfg.interval, this.now) : 60_000;
    return {
      side: tradable(this.account.instrument(category, symbol), pos.size).isZero()
        ? 'flat'
        : pos.size.isPositive()
          ? 'long'
          : 'short',
      size: pos.size,
      avgEntry: pos.avgEntryPrice,
      unrealizedPnl: mark && pos.avgEntryPrice ? mark.minus(pos.avgEntryPrice).mul(pos.size) : ZERO,
      realizedPnl: pos.netRealizedPnl,
      entryTime,
      barsSinceEntry: entryTime === null ? null : Math.max(0, Math.floor((this.now - entryTime) / step)),
      openOrders,
      stop: p?.stop ?? null,
      takeProfit: p?.tp ?? null,
      pending: this.hasActive(book, ['entry', 'add', 'exit', 'manual']),
    };
  }

  private begin(now: number): void {
    this.now = Math.max(this.now, now);
    if (this.out.length > 0) this.out = [];
  }

  /** The commands of this event; most bars ask for nothing, and share one empty (frozen) answer. */
  private end(): Command[] {
    if (this.out.length === 0) return NOTHING;
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** A size as an order can carry it: below one quantity step it is dust, and counts as flat. */
function tradable(inst: Instrument, size: Decimal): Decimal {
  return size.abs().lt(inst.qtyStep) ? ZERO : size;
}

function protKey(book: string, category: Category, symbol: string): string {
  return `${book}|${category}:${symbol}`;
}

/** An entry's sizing scaled by the strategy's factor (a half-size DCA add risks half). */
export function scaleSizing(spec: SizingSpec, factor: number): SizingSpec {
  if (factor === 1) return spec;
  const f = new Decimal(String(factor));
  switch (spec.mode) {
    case 'fixed-notional':
      return { ...spec, notional: spec.notional.mul(f) };
    case 'risk-fraction':
    case 'atr':
      return { ...spec, riskPct: spec.riskPct.mul(f) };
  }
}
