// TradingServices over the engine: what chat commands and the CLI may ask of the trading core.
// Every trade goes through the same pipeline as a strategy's (risk, approval policy, idempotent job).
import { riskOverrides, setRiskOverride } from '../db/repos/account.js';
import { listPositions } from '../db/repos/positions.js';
import { setPaused } from '../db/repos/strategies.js';
import { getTradingState, setTradingState } from '../db/repos/trading-state.js';
import { ZERO } from '../domain/decimal.js';
import type { Category } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';
import { limitsFromConfig, parseRiskLimitValue, riskLimitStrings } from '../risk/limits.js';
import { actorKey, castVote } from './approvals.js';
import type { EngineDeps } from './deps.js';
import { proposeIntent } from './pipeline.js';
import type {
  Actor,
  KillOutcome,
  TradeOutcome,
  TradeRequest,
  TradingServices,
  VoteOutcome,
} from './services.js';

function settle(r: Awaited<ReturnType<typeof proposeIntent>>): TradeOutcome {
  return r.kind === 'duplicate' ? { kind: 'invalid', message: 'this request was already made' } : r;
}

export function createTradingServices(deps: EngineDeps): TradingServices {
  async function closeOne(
    category: Category,
    symbol: string,
    size: typeof ZERO,
    actor: Actor,
    source: 'close' | 'kill',
  ) {
    const side: Side = size.isPositive() ? 'Sell' : 'Buy';
    return settle(
      await proposeIntent(
        deps,
        { symbol, category, side, orderType: 'Market', qty: size.abs(), reduceOnly: true, source },
        { requestedBy: actorKey(actor) },
      ),
    );
  }

  return {
    async requestTrade(req: TradeRequest): Promise<TradeOutcome> {
      const hasQty = req.qty !== undefined;
      const hasNotional = req.notional !== undefined;
      if (hasQty === hasNotional)
        return { kind: 'invalid', message: 'give either a quantity or a $notional, not both' };
      if ((req.qty ?? req.notional ?? ZERO).lte(ZERO))
        return { kind: 'invalid', message: 'the amount must be positive' };
      if (req.limitPrice !== undefined && req.limitPrice.lte(ZERO)) {
        return { kind: 'invalid', message: 'the limit price must be positive' };
      }
      return settle(
        await proposeIntent(
          deps,
          {
            symbol: req.symbol,
            category: req.category ?? 'linear',
            side: req.side,
            orderType: req.limitPrice ? 'Limit' : 'Market',
            ...(req.qty ? { qty: req.qty } : {}),
            ...(req.notional ? { notional: req.notional } : {}),
            ...(req.limitPrice ? { limitPrice: req.limitPrice } : {}),
            reduceOnly: false,
            source: 'manual',
          },
          { requestedBy: actorKey(req.actor) },
        ),
      );
    },

    async closePosition(target, actor): Promise<TradeOutcome[]> {
      if (target !== 'all' && 'book' in target)
        return [{ kind: 'invalid', message: 'closing one book needs the desk (the kernel engine)' }];
      const open = (await listPositions(deps.db)).filter(
        (p) => !p.size.isZero() && (target === 'all' || p.symbol === target.symbol),
      );
      if (open.length === 0) {
        return [
          {
            kind: 'invalid',
            message:
              target === 'all' ? 'there are no open positions' : `no open position in ${target.symbol}`,
          },
        ];
      }
      const out: TradeOutcome[] = [];
      for (const p of open)
        out.push(await closeOne(p.category as Category, p.symbol, p.size, actor, 'close'));
      return out;
    },

    async kill(actor: Actor, reason: string): Promise<KillOutcome> {
      const by = actorKey(actor);
      // Halt first: from this moment no new entry leaves, whatever else happens below.
      await setTradingState(deps.db, 'HALTED', reason, by);
      let cancelled = 0;
      for (const category of ['linear', 'spot'] as const) {
        try {
          cancelled += (await deps.exchange.cancelAllOrders({ category })).length;
        } catch (e) {
          deps.log.error(
            { category, err: e instanceof Error ? e.message : String(e) },
            'cancel-all failed during kill',
          );
        }
      }
      const closing: string[] = [];
      for (const p of (await listPositions(deps.db)).filter((x) => !x.size.isZero())) {
        const r = await closeOne(p.category as Category, p.symbol, p.size, actor, 'kill');
        if (r.kind === 'submitted' || r.kind === 'awaiting-approval') closing.push(p.symbol);
      }
      await deps.notifier.notify({ kind: 'kill-switch', state: 'HALTED', by, reason });
      return { cancelledOrders: cancelled, closingPositions: closing };
    },

    async resumeTrading(actor: Actor) {
      const previous = (await getTradingState(deps.db)).state;
      await setTradingState(deps.db, 'ACTIVE', 'resumed', actorKey(actor));
      if (previous !== 'ACTIVE') {
        await deps.notifier.notify({
          kind: 'kill-switch',
          state: 'ACTIVE',
          by: actorKey(actor),
          reason: 'resumed',
        });
      }
      return { previous };
    },

    vote(approvalId: number, actor: Actor, vote: 'approve' | 'reject'): Promise<VoteOutcome> {
      return castVote(deps, approvalId, actor, vote);
    },

    setStrategyPaused(target, paused) {
      return setPaused(deps.db, target, paused);
    },

    async setRiskLimit(key: string, value: string, actor: Actor) {
      const parsed = parseRiskLimitValue(key, value);
      if (!parsed.ok) return parsed;
      const before = riskLimitStrings(limitsFromConfig(deps.config.risk, await riskOverrides(deps.db)));
      await setRiskOverride(deps.db, parsed.key, parsed.value, actorKey(actor));
      return { ok: true as const, previous: before[parsed.key], value: parsed.value };
    },
  };
}
