// /close <symbol|instance|all>: close the operator's manual position on a symbol, one strategy instance's
// book, or every book after a confirmation; market orders that still pass the risk checks.
import { z } from 'zod';
import { zSymbol } from '../src/chat/core/args.js';
import { defineCommand } from '../src/chat/core/command.js';
import { servicesMissing, tradeOutcomeReply } from '../src/chat/core/outcome-view.js';
import { text, type Reply } from '../src/chat/core/reply.js';
import { openPositions } from '../src/db/repos/views.js';

/** 'all', an instance id as bosun.yaml spells it (lower-case), or a symbol. */
const target = z.string().transform((s, ctx): string => {
  if (s.trim().toLowerCase() === 'all') return 'all';
  if (/^[a-z0-9][a-z0-9-]{0,31}$/.test(s.trim()) && s.trim().includes('-')) return `book:${s.trim()}`;
  const r = zSymbol.safeParse(s);
  if (!r.success) {
    ctx.addIssue({
      code: 'custom',
      message: `"${s}" is not a symbol like BTCUSDT, a strategy instance id like btc-sma, or "all"`,
    });
    return z.NEVER;
  }
  return r.data;
});

/** A lower-case word without a dash may still be an instance id ("scalper"): the config says. */
function bookOf(t: string, ids: readonly string[]): string | null {
  if (t.startsWith('book:')) return t.slice(5);
  const lower = t.toLowerCase();
  return ids.includes(lower) ? lower : null;
}

export default defineCommand({
  name: 'close',
  summary: 'close a position, or all of them',
  usage: 'close <symbol|instance|all>',
  example: 'close BTCUSDT',
  args: z.tuple([target]),
  role: 'trader',
  confirm: ([t]) => (t === 'all' ? 'Close ALL open positions at market?' : null),
  beforeConfirm: async (input, deps) =>
    input.args[0] === 'all' && (await openPositions(deps.db)).length === 0 ? nothingOpen() : null,
  async handler(input, deps) {
    if (!deps.services) return servicesMissing('close');
    const [t] = input.args;
    const book = bookOf(
      t,
      deps.config.strategies.map((x) => x.id),
    );
    if (book) {
      if (!deps.config.strategies.some((x) => x.id === book))
        return {
          title: 'Unknown instance',
          tone: 'warn',
          blocks: [text(`No strategy instance "${book}"; /strategies lists them.`)],
        };
      const outcomes = await deps.services.closePosition({ book }, input.actor);
      const now = deps.clock.now();
      const first = outcomes[0];
      return first ? tradeOutcomeReply(first, `close ${book}`, now) : nothingOpen();
    }
    const open = await openPositions(deps.db);
    if (t !== 'all' && !open.some((p) => p.symbol === t)) {
      return { title: 'Nothing to close', tone: 'info', blocks: [text(`No open position in ${t}.`)] };
    }
    if (t === 'all' && open.length === 0) return nothingOpen();
    const outcomes = await deps.services.closePosition(t === 'all' ? 'all' : { symbol: t }, input.actor);
    const now = deps.clock.now();
    const replies: Reply[] = outcomes.map((o) =>
      tradeOutcomeReply(o, `close ${t === 'all' ? 'position' : t}`, now),
    );
    for (const o of outcomes)
      if (o.kind === 'awaiting-approval') await deps.approvals?.announce?.(o.approvalId);
    if (replies.length <= 1) return replies[0] ?? { title: 'Nothing to close', tone: 'info', blocks: [] };
    const accepted = outcomes.filter((o) => o.kind === 'submitted').length;
    return {
      title: `Closing ${accepted}/${outcomes.length} positions`,
      tone: accepted === outcomes.length ? 'ok' : 'warn',
      blocks: replies.map((r) => text(`${r.title}${r.tone === 'ok' ? '' : ` (${blockText(r)})`}`)),
    };
  },
});

function nothingOpen(): Reply {
  return { title: 'Nothing to close', tone: 'info', blocks: [text('No open positions.')] };
}

function blockText(r: Reply): string {
  const b = r.blocks[0];
  return b && (b.kind === 'text' || b.kind === 'note') ? b.text : '';
}
