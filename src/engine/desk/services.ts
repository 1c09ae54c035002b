// TradingServices over the desk: every chat or CLI request becomes one operator event on the decision
// queue (a unique id, so a press sent twice is one command), and its answer is what the kernel decided.
import { randomBytes } from 'node:crypto';
import { riskOverrides, setRiskOverride } from '../../db/repos/account.js';
import { bookPositions } from '../../db/repos/kernel-books.js';
import { setPaused } from '../../db/repos/strategies.js';
import { getTradingState, setTradingState } from '../../db/repos/trading-state.js';
import { ZERO } from '../../domain/decimal.js';
import { roundQtyDown } from '../../domain/instrument.js';
import { MANUAL_BOOK } from '../../kernel/books.js';
import { limitsFromConfig, parseRiskLimitValue, riskLimitStrings } from '../../risk/limits.js';
import type { EngineDeps } from '../deps.js';
import type {
  Actor,
  KillOutcome,
  TradeOutcome,
  TradeRequest,
  TradingServices,
  VoteOutcome,
} from '../services.js';
import type { OperatorWire } from './events.js';
import type { DeskResult } from './result.js';
import { actorKey, castDeskVote } from './votes.js';

/** Hands one operator event to the desk (through the decision queue) and waits for what it decided. */
export type DeskSubmit = (id: string, command: OperatorWire) => Promise<DeskResult>;

export type CloseTarget = { symbol: string } | { book: string } | 'all';

function requestId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** The chat's answer to a trade: denied with reasons, waiting for votes, or on its way. */
export function outcomeOf(r: DeskResult): TradeOutcome {
  const it = r.intents[0];
  if (!it) {
    return {
      kind: 'invalid',
      message: r.errors[0] ?? (r.duplicate ? 'this request was already made' : 'nothing to do'),
    };
  }
  if (it.status === 'denied')
    return {
      kind: 'denied',
      intentId: it.id,
      reasons: it.denials.map((d) => ({ check: d.check, reason: d.reason })),
    };
  const ap = r.approvals.find((a) => a.intentRef === it.ref);
  if (it.status === 'awaiting-approval' && ap)
    return {
      kind: 'awaiting-approval',
      intentId: it.id,
      approvalId: ap.approvalId,
      votesNeeded: ap.votes,
      expiresAt: ap.expiresAt,
    };
  if (it.status === 'failed' || it.status === 'withdrawn' || it.status === 'cancelled')
    return { kind: 'invalid', message: `intent #${it.id} ${it.status}: ${it.reason}` };
  return { kind: 'submitted', intentId: it.id, orderLinkId: it.ref };
}

export function createDeskServices(
  deps: EngineDeps,
  submit: DeskSubmit,
): TradingServices & {
  closeTarget(target: CloseTarget, actor: Actor): Promise<TradeOutcome[]>;
} {
  const run = (command: OperatorWire) => submit(requestId(), command);

  async function closeTarget(target: CloseTarget, actor: Actor): Promise<TradeOutcome[]> {
    const by = actorKey(actor);
    const symbols = await bookPositions(deps.db);
    const open = symbols.flatMap((s) =>
      s.books.filter((b) => !b.size.isZero()).map((b) => ({ ...b, symbol: s.symbol, category: s.category })),
    );
    const chosen =
      target === 'all'
        ? open
        : 'book' in target
          ? open.filter((b) => b.book === target.book)
          : open.filter((b) => b.book === MANUAL_BOOK && b.symbol === target.symbol);
    if (chosen.length === 0) {
      const what =
        target === 'all'
          ? 'there are no open positions'
          : 'book' in target
            ? `${target.book} holds no position`
            : `the manual book holds no ${target.symbol} (strategies' positions close with /close <instance>)`;
      return [{ kind: 'invalid', message: what }];
    }
    const out: TradeOutcome[] = [];
    const books = new Set(chosen.map((b) => b.book));
    for (const book of books) {
      if (book === MANUAL_BOOK && target !== 'all' && !('book' in target)) {
        const s = chosen.find((b) => b.book === MANUAL_BOOK);
        if (s)
          out.push(
            outcomeOf(await run({ kind: 'close-manual', category: s.category, symbol: s.symbol, by })),
          );
      } else {
        out.push(outcomeOf(await run({ kind: 'close-book', book, by })));
      }
    }
    return out;
  }

  return {
    async requestTrade(req: TradeRequest): Promise<TradeOutcome> {
      const hasQty = req.qty !== undefined;
      const hasNotional = req.notional !== undefined;
      if (hasQty === hasNotional)
        return { kind: 'invalid', message: 'give either a quantity or a $notional, not both' };
      if ((req.qty ?? req.notional ?? ZERO).lte(ZERO))
        return { kind: 'invalid', message: 'the amount must be positive' };
      if (req.limitPrice !== undefined && req.limitPrice.lte(ZERO))
        return { kind: 'invalid', message: 'the limit price must be positive' };
      const category = req.category ?? 'linear';
      let qty = req.qty;
      if (!qty && req.notional) {
        // A $ amount is sized at the limit price, else at the last price, to the instrument's step.
        const inst = await deps.exchange.instrument(category, req.symbol);
        const [t] = await deps.exchange.tickers(category, req.symbol);
        const price = req.limitPrice ?? t?.lastPrice;
        if (!price) return { kind: 'invalid', message: `${req.symbol} has no price yet` };
        qty = roundQtyDown(inst, req.notional.div(price));
        if (qty.isZero())
          return {
            kind: 'invalid',
            message: `$${req.notional.toFixed()} is less than one step (${inst.qtyStep.toFixed()}) of ${req.symbol}`,
          };
      }
      if (!qty) return { kind: 'invalid', message: 'give a quantity' };
      return outcomeOf(
        await run({
          kind: 'trade',
          category,
          symbol: req.symbol,
          side: req.side,
          qty: qty.toFixed(),
          ...(req.limitPrice ? { price: req.limitPrice.toFixed() } : {}),
          by: actorKey(req.actor),
        }),
      );
    },

    closePosition(target, actor) {
      return closeTarget(target, actor);
    },

    closeTarget,

    async cancelOrder(ref: string, actor: Actor) {
      const r = await run({ kind: 'cancel-order', ref, by: actorKey(actor) });
      if (r.errors.length > 0) return { ok: false, message: r.errors.join('; ') };
      return { ok: true, message: 'the cancel went to the exchange; its end is reported here' };
    },

    async kill(actor: Actor, reason: string): Promise<KillOutcome> {
      const by = actorKey(actor);
      // Halt in Postgres first: a desk rebuilt from here on starts HALTED, whatever happens below.
      await setTradingState(deps.db, 'HALTED', reason, by);
      const before = (await bookPositions(deps.db)).filter((s) => !s.net.isZero()).map((s) => s.symbol);
      const r = await run({ kind: 'kill', by, reason });
      await deps.notifier.notify({ kind: 'kill-switch', state: 'HALTED', by, reason });
      const cancelled = r.intents.length; // withdrawn and closing intents
      return { cancelledOrders: cancelled, closingPositions: before };
    },

    async resumeTrading(actor: Actor) {
      const previous = (await getTradingState(deps.db)).state;
      await setTradingState(deps.db, 'ACTIVE', 'resumed', actorKey(actor));
      await run({ kind: 'set-trading-state', state: 'ACTIVE', by: actorKey(actor) });
      if (previous !== 'ACTIVE')
        await deps.notifier.notify({
          kind: 'kill-switch',
          state: 'ACTIVE',
          by: actorKey(actor),
          reason: 'resumed',
        });
      return { previous };
    },

    async vote(approvalId: number, actor: Actor, vote: 'approve' | 'reject'): Promise<VoteOutcome> {
      const v = await castDeskVote(deps.db, approvalId, actor, vote, deps.clock.now());
      if (v.command) await run(v.command);
      if (v.decided) await deps.notifier.notify({ kind: 'approval-decided', approvalId, ...v.decided });
      return v.outcome;
    },

    async setStrategyPaused(target, paused, actor) {
      const changed = await setPaused(deps.db, target, paused);
      for (const book of changed) await run({ kind: 'pause', book, paused, by: actorKey(actor) });
      return changed;
    },

    async setRiskLimit(key: string, value: string, actor: Actor) {
      const parsed = parseRiskLimitValue(key, value);
      if (!parsed.ok) return parsed;
      const before = riskLimitStrings(limitsFromConfig(deps.config.risk, await riskOverrides(deps.db)));
      await setRiskOverride(deps.db, parsed.key, parsed.value, actorKey(actor));
      await run({ kind: 'reload', by: actorKey(actor) });
      return { ok: true as const, previous: before[parsed.key], value: parsed.value };
    },
  };
}
