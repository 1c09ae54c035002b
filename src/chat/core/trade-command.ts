// /buy and /sell share one shape: <symbol> <qty|$notional> [limit price], optionally "@ price".
// The trade goes through TradingServices.requestTrade (risk, approval policy, queue), never inline. When
// the size was rounded to the instrument's quantity step, the reply says so: "0.0105 → 0.010 (step 0.001)".
import { z } from 'zod';
import { getInstrument } from '../../db/repos/instruments.js';
import { getIntent } from '../../db/repos/intents.js';
import type { Db } from '../../db/client.js';
import { isCategory } from '../../domain/symbol-coins.js';
import { stepDecimals } from '../../domain/instrument.js';
import type { Side } from '../../domain/side.js';
import type { TradeOutcome } from '../../engine/services.js';
import { zAmount, zDecimal, zSymbol, type Amount } from './args.js';
import { defineCommand, type Command } from './command.js';
import { fmtMoney, fmtPrice, fmtQty } from './format.js';
import { servicesMissing, tradeOutcomeReply } from './outcome-view.js';
import { note, type Reply } from './reply.js';

/** "Quantity 0.0105 → 0.010 (step 0.001)" when the intent's size is not what was typed; null otherwise. */
async function sizingNote(db: Db, o: TradeOutcome, amount: Amount): Promise<string | null> {
  if (o.kind === 'invalid') return null;
  const intent = await getIntent(db, o.intentId);
  if (!intent?.qty || !isCategory(intent.category)) return null;
  const inst = await getInstrument(db, intent.category, intent.symbol);
  if (!inst) return null;
  const qty = intent.qty.toFixed(stepDecimals(inst.qtyStep));
  const step = `step ${inst.qtyStep.toFixed()}`;
  if (amount.kind === 'qty')
    return amount.value.eq(intent.qty) ? null : `Quantity ${fmtQty(amount.value)} → ${qty} (${step})`;
  return `$${fmtMoney(amount.value)} → ${qty} ${inst.baseCoin} (${step})`;
}

function withNote(r: Reply, line: string | null): Reply {
  return line ? { ...r, blocks: [note(line), ...r.blocks] } : r;
}

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
      const sized = await sizingNote(deps.db, outcome, amount);
      return withNote(tradeOutcomeReply(outcome, what, deps.clock.now()), sized);
    },
  });
}
