// The account's desk: the one kernel of a live account, fed one event at a time (the decision queue runs
// one job at a time across all workers). Each event's decision is written in one transaction before
// anything is sent; a process that finds another decided since rebuilds from Postgres first.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { keyResult } from '../../db/repos/idempotency.js';
import { recordBookFill } from '../../db/repos/kernel-books.js';
import {
  kernelEventKey,
  loadKernelSnapshot,
  writeKernelChanges,
  type KernelRiskDecision,
} from '../../db/repos/kernel-store.js';
import { createApproval } from '../../db/repos/approvals.js';
import { listStrategyInstances } from '../../db/repos/strategies.js';
import { approvals as approvalsTable, intents as intentsTable, orders } from '../../db/schema/index.js';
import type { Clock } from '../../domain/clock.js';
import { Decimal } from '../../domain/decimal.js';
import { classifyBybitExecType } from '../../domain/fill.js';
import type { Category } from '../../domain/instrument.js';
import { intervalMs } from '../../domain/intervals.js';
import { EXTERNAL_BOOK } from '../../kernel/books.js';
import { Kernel, type KernelChanges } from '../../kernel/kernel.js';
import type { Command, KernelConfig } from '../../kernel/types.js';
import type { ExchangePort, KlineInterval } from '../../exchange/port.js';
import type { Logger } from '../../platform/logger.js';
import type { Notifier } from '../notify.js';
import { eventKey, fillOf, operatorOf, type DeskEvent } from './events.js';
import { executeCommands } from './execute.js';
import { noticesOf } from './notices.js';
import { sweepOrders } from './sweep.js';
import { barOf, fillEvent } from './fill-event.js';
import { mergeResults, NOTHING_DECIDED, type DeskIntent, type DeskResult } from './result.js';

export interface DeskDeps {
  readonly db: Db;
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly log: Logger;
  /** The kernel's configuration, built when the desk (re)loads: instances, instruments, limits. */
  readonly kernelConfig: () => Promise<KernelConfig>;
  /** Intent refs: unique and Bybit-valid (they are the orderLinkIds). */
  readonly newRef: () => string;
}

/** Another process decided for the account since this one last wrote: rebuild, then decide again. */
class StaleDesk extends Error {
  override readonly name = 'StaleDesk';
}

/** The event was decided before (its key is stored): what this process just applied in memory is undone. */
class AlreadyDecided extends Error {
  override readonly name = 'AlreadyDecided';
}

export class Desk {
  private kernel: Kernel | null = null;
  private epoch = 0;
  private approvalTtlMs = 120_000;

  constructor(private readonly deps: DeskDeps) {}

  /** The kernel as it stands (tests, /status); null before the first event. */
  get current(): Kernel | null {
    return this.kernel;
  }

  /** Forget the in-memory state: the next event rebuilds it from Postgres. */
  drop(): void {
    this.kernel = null;
  }

  async handle(ev: DeskEvent): Promise<DeskResult> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const k = await this.ready();
        return await this.decide(k, ev);
      } catch (e) {
        if (e instanceof AlreadyDecided) {
          this.kernel = null;
          return NOTHING_DECIDED;
        }
        if (!(e instanceof StaleDesk) || attempt >= 2) throw e;
        this.kernel = null;
      }
    }
  }

  /** Look every open order up at the venue and bring the kernel to what it finds (start, reconnect, timer). */
  async sweep(): Promise<DeskResult> {
    const k = await this.ready();
    const results = await sweepOrders(k, this.deps.exchange, this.deps.clock.now(), (ev) =>
      this.decide(k, ev),
    );
    return mergeResults(results);
  }

  private async ready(): Promise<Kernel> {
    if (this.kernel) return this.kernel;
    const cfg = await this.deps.kernelConfig();
    const k = new Kernel(cfg, this.deps.newRef);
    const snap = await loadKernelSnapshot(this.deps.db);
    // Books may hold symbols no instance trades today (the operator's, an instance since removed).
    const symbols = new Map<string, { category: Category; symbol: string }>();
    for (const f of snap.fills)
      symbols.set(`${f.category}:${f.fill.symbol}`, { category: f.category, symbol: f.fill.symbol });
    for (const o of snap.orders) symbols.set(`${o.order.category}:${o.order.symbol}`, o.order);
    for (const s of symbols.values()) await this.ensureInstrument(k, s.category, s.symbol);
    this.approvalTtlMs = cfg.approvalTtlMs;
    k.restore(snap);
    for (const row of await listStrategyInstances(this.deps.db)) {
      if (row.paused) k.onOperator({ kind: 'pause', book: row.id, paused: true, by: 'stored' }, snap.now);
    }
    this.epoch = snap.epoch;
    await this.warmUp(k);
    await this.refreshWallet(k);
    this.kernel = k;
    this.deps.log.info({ epoch: this.epoch, instances: k.instances.length }, 'desk loaded');
    return k;
  }

  private async ensureInstrument(k: Kernel, category: Category, symbol: string): Promise<void> {
    if (k.account.hasInstrument(category, symbol)) return;
    k.account.addInstrument(await this.deps.exchange.instrument(category, symbol));
  }

  /** Closed bars into the strategies so their indicators stand where they would have; nothing is decided. */
  private async warmUp(k: Kernel): Promise<void> {
    const now = this.deps.clock.now();
    for (const s of k.seriesRead()) {
      const step = intervalMs(s.interval, now);
      const candles = await this.deps.exchange.klines({
        category: s.category,
        symbol: s.symbol,
        interval: s.interval as KlineInterval,
        limit: s.bars + 1,
      });
      for (const c of candles) {
        if (c.start + step > now) continue; // still forming
        k.warmUp({
          series: s,
          bar: barOf(c),
          closedAt: c.start + step,
        });
      }
    }
  }

  async refreshWallet(k?: Kernel): Promise<void> {
    const kernel = k ?? this.kernel;
    if (!kernel) return;
    try {
      const b = await this.deps.exchange.walletBalance();
      const coin = b.coins.find((c) => c.coin === kernel.account.quoteCoin);
      kernel.account.setWallet(coin?.walletBalance ?? b.totalWalletBalance, b.totalAvailableBalance);
    } catch (e) {
      this.deps.log.warn({ err: String(e) }, 'wallet not read; risk uses the books');
    }
  }

  private async decide(k: Kernel, ev: DeskEvent): Promise<DeskResult> {
    const key = eventKey(ev);
    // Venue reports come again (the sweep, a reconnect): look their key up first. A bar or an operator
    // command is new by construction; should one come twice, its write finds the key and the desk rebuilds.
    if ((ev.kind === 'fill' || ev.kind === 'order') && (await keyResult(this.deps.db, kernelEventKey(key))))
      return NOTHING_DECIDED;
    const now = this.deps.clock.now();
    let commands: Command[] = [];
    let bookFill: { book: string; category: Category; execType: string; seq?: number } | null = null;
    const before: DeskResult[] = [];
    switch (ev.kind) {
      case 'bar': {
        if (!k.account.hasInstrument(ev.category, ev.symbol)) return NOTHING_DECIDED;
        const series = { category: ev.category, symbol: ev.symbol, interval: ev.interval };
        commands = k.onBar({
          series,
          bar: barOf(ev),
          closedAt: ev.start + intervalMs(ev.interval, ev.start),
        });
        break;
      }
      case 'fill': {
        if (classifyBybitExecType(ev.execType) !== 'trade') return NOTHING_DECIDED;
        await this.ensureInstrument(k, ev.category, ev.symbol);
        const fill = fillOf(ev);
        const open = ev.orderLinkId ? k.orderState(ev.orderLinkId) : undefined;
        const book = open?.order.book ?? (await this.storedBook(ev.orderLinkId)) ?? EXTERNAL_BOOK;
        commands = open
          ? k.onReport({ kind: 'fill', ref: ev.orderLinkId, fill }, ev.ts)
          : k.onBookFill(book, ev.category, fill, ev.ts);
        bookFill = {
          book,
          category: ev.category,
          execType: ev.execType,
          ...(ev.seq !== undefined ? { seq: ev.seq } : {}),
        };
        break;
      }
      case 'order': {
        if (ev.status === 'accepted') return NOTHING_DECIDED;
        const o = k.orderState(ev.orderLinkId);
        if (!o) return NOTHING_DECIDED;
        // A final report can overtake the order's last fills: take them first, or the book would miss them.
        if (new Decimal(ev.filledQty).gt(o.cumQty)) {
          for (const f of await this.deps.exchange.executions({
            category: ev.category,
            symbol: ev.symbol,
            orderLinkId: ev.orderLinkId,
          })) {
            before.push(await this.decide(k, fillEvent(f)));
          }
        }
        commands = k.onReport(
          { kind: 'ended', ref: ev.orderLinkId, status: ev.status, reason: ev.reason },
          ev.ts,
        );
        break;
      }
      case 'operator': {
        const c = ev.command;
        if (c.kind === 'trade' || c.kind === 'close-manual') {
          await this.ensureInstrument(k, c.category, c.symbol);
          const [t] = await this.deps.exchange.tickers(c.category, c.symbol);
          if (t) k.account.mark(c.category, c.symbol, t.lastPrice.toNumber());
        }
        const cmd = operatorOf(c);
        if (!cmd) {
          // `reload`: the next event finds no kernel and rebuilds it with what changed (a risk limit).
          this.kernel = null;
          return NOTHING_DECIDED;
        }
        commands = k.onOperator(cmd, now);
        break;
      }
    }
    const result = await this.commit(
      k,
      key,
      commands,
      now,
      bookFill && ev.kind === 'fill' ? { ...bookFill, ev } : null,
    );
    return mergeResults([...before, result]);
  }

  /** Write the decision, then send what it asked for, then say what happened. */
  private async commit(
    k: Kernel,
    key: string,
    commands: Command[],
    now: number,
    fill: {
      book: string;
      category: Category;
      execType: string;
      seq?: number;
      ev: Extract<DeskEvent, { kind: 'fill' }>;
    } | null,
  ): Promise<DeskResult> {
    const changes = k.takeChanges();
    const asks = commands.filter(
      (c): c is Extract<Command, { kind: 'ask-approval' }> => c.kind === 'ask-approval',
    );
    const { db } = this.deps;
    let approvals: DeskResult['approvals'] = [];
    let withdrawn: { approvalId: number; intentId: number; by: string }[] = [];
    let intentIds: ReadonlyMap<string, number> = new Map();
    await db.transaction(async (tx) => {
      if (fill) {
        await recordBookFill(tx, {
          book: fill.book,
          category: fill.category,
          fill: fillOf(fill.ev),
          execType: fill.execType,
          ...(fill.seq !== undefined ? { seq: fill.seq } : {}),
          instrument: k.account.instrument(fill.category, fill.ev.symbol),
        });
      }
      const r = await writeKernelChanges(tx, {
        eventKey: key,
        changes,
        riskDecisions: riskDecisionsOf(changes),
        now,
        expectEpoch: this.epoch,
        onIntentIds: (m) => (intentIds = m),
      });
      if (r.stale) throw new StaleDesk(`epoch ${this.epoch} is behind ${r.epoch}`);
      if (!r.written) throw new AlreadyDecided(key);
      if (asks.length > 0) approvals = await this.openApprovals(tx, asks, k, intentIds);
      withdrawn = await closeApprovalsOf(tx, changes);
      this.epoch = r.epoch;
    });
    for (const w of withdrawn)
      await this.deps.notifier.notify({ kind: 'approval-decided', ...w, outcome: 'expired' });
    const ids = intentIds;
    const exec = await executeCommands(
      this.deps.exchange,
      commands,
      (ref) => k.order(ref),
      () => this.deps.clock.now(),
    );
    for (const n of noticesOf(commands, ids, approvals)) await this.deps.notifier.notify(n);
    for (const e of exec.errors)
      this.deps.log.warn({ err: e }, 'venue call failed; the sweep will look it up');
    const refused: DeskResult[] = [];
    for (const r of exec.refused) refused.push(await this.decide(k, r));
    const touched: DeskIntent[] = changes.intents.flatMap((i) => {
      const id = ids.get(i.ref);
      return id === undefined
        ? []
        : [
            {
              id,
              ref: i.ref,
              book: i.book,
              symbol: i.symbol,
              status: i.status,
              reason: i.reason,
              denials: i.denials,
              qty: i.qty?.toFixed() ?? null,
            },
          ];
    });
    return mergeResults([{ duplicate: false, intents: touched, approvals, errors: exec.errors }, ...refused]);
  }

  private async openApprovals(
    tx: Db,
    asks: readonly Extract<Command, { kind: 'ask-approval' }>[],
    k: Kernel,
    ids: ReadonlyMap<string, number>,
  ): Promise<DeskResult['approvals']> {
    const out: { intentRef: string; approvalId: number; votes: number; expiresAt: number }[] = [];
    for (const a of asks) {
      const intentId = ids.get(a.intentRef);
      const it = k.intents.get(a.intentRef);
      if (intentId === undefined || !it) continue;
      // A person answers on the wall clock: the kernel's time is the bar's (a replay's can be years ago).
      const expiresAt = Math.max(a.expiresAt, this.deps.clock.now() + this.approvalTtlMs);
      const ap = await createApproval(tx, {
        intentId,
        requiredVotes: a.votes,
        refPrice: k.account.markPrice(it.category, it.symbol),
        expiresAt: new Date(expiresAt),
      });
      out.push({ intentRef: a.intentRef, approvalId: ap.id, votes: a.votes, expiresAt });
    }
    return out;
  }

  /** The book of an order the kernel no longer holds open (a late fill), from its row. */
  private async storedBook(orderLinkId: string): Promise<string | null> {
    if (!orderLinkId) return null;
    const [r] = await this.deps.db
      .select({ book: orders.book })
      .from(orders)
      .where(eq(orders.orderLinkId, orderLinkId));
    return r?.book ?? null;
  }
}

/**
 * Approvals of intents that ended while they waited (withdrawn by /kill or a strategy's turn, expired):
 * decided here so no card can still be pressed into a trade; their messages are edited by the notice.
 */
async function closeApprovalsOf(
  tx: Db,
  changes: KernelChanges,
): Promise<{ approvalId: number; intentId: number; by: string }[]> {
  const ended = changes.intents.filter((i) => i.status === 'withdrawn' || i.status === 'expired');
  if (ended.length === 0) return [];
  const rows = await tx
    .update(approvalsTable)
    .set({ status: 'expired', decidedAt: new Date(), decidedBy: 'withdrawn' })
    .where(
      and(
        eq(approvalsTable.status, 'pending'),
        inArray(
          approvalsTable.intentId,
          tx
            .select({ id: intentsTable.id })
            .from(intentsTable)
            .where(
              inArray(
                intentsTable.ref,
                ended.map((i) => i.ref),
              ),
            ),
        ),
      ),
    )
    .returning({ approvalId: approvalsTable.id, intentId: approvalsTable.intentId });
  const by = ended.some((i) => i.reason.includes('/kill')) ? '/kill' : 'withdrawn';
  return rows.map((r) => ({ ...r, by }));
}

/** Denials are kept with the intent they judged, with their reasons, for chat and the audit. */
function riskDecisionsOf(changes: KernelChanges): KernelRiskDecision[] {
  return changes.intents
    .filter((i) => i.status === 'denied' && i.denials.length > 0)
    .map((i) => ({ intentRef: i.ref, outcome: 'denied' as const, reasons: i.denials }));
}
