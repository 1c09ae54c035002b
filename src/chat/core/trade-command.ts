// /buy and /sell share one shape: <symbol> <qty|$notional> [limit price], optionally "@ price".
// The trade goes through TradingServices.requestTrade (risk, approval policy, queue), never inline.
import { z } from 'zod';
import type { Side } from '../../domain/side.js';
import { zAmount, zDecimal, zSymbol } from './args.js';
import { defineCommand, type Command } from './command.js';
import { fmtMoney, fmtPrice, fmtQty } from './format.js';
import { servicesMissing, tradeOutcomeReply } from './outcome-view.js';

// "@ 43000", "@43000" and "at 43000" all mean a limit price.
const tradeArgs = z.preprocess(
  (v) =>
    Array.isArray(v)
      ? v.flatMap((t: unknown) =>
          typeof t !== 'string'
            ? [t]
            : t === '@' || t.toLowerCase() === 'at'
              ? []
              : [t.replace(/^@(?=.)/, '')],
        )
      : v,
  z.tuple([zSymbol, zAmount, zDecimal.optional()]),
);

export function makeTradeCommand(side: Side): Command {
  const name = side === 'Buy' ? 'buy' : 'sell';
  return defineCommand({
    name,
    summary: `${name} at market, or at a limit price`,
    usage: `${name} <symbol> <qty|$notional> [limit price]`,
    example: side === 'Buy' ? 'buy BTCUSDT 0.01' : 'sell ETHUSDT $500 3500',
    args: tradeArgs,
    role: 'trader',
    async handler(input, deps) {
      if (!deps.services) return servicesMissing(name);
      const [symbol, amount, limit] = input.args;
      const size = amount.kind === 'qty' ? fmtQty(amount.value) : `$${fmtMoney(amount.value)}`;
      const what = `${side.toUpperCase()} ${size} ${symbol}${limit ? ` @ ${fmtPrice(limit)}` : ''}`;
      const outcome = await deps.services.requestTrade({
        symbol,
        side,
        ...(amount.kind === 'qty' ? { qty: amount.value } : { notional: amount.value }),
        ...(limit ? { limitPrice: limit } : {}),
        actor: input.actor,
      });
      if (outcome.kind === 'awaiting-approval') await deps.approvals?.announce?.(outcome.approvalId);
      return tradeOutcomeReply(outcome, what, deps.clock.now());
    },
  });
}
