// /pause [id|all]: stop strategies from opening new trades; open positions stay managed.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { servicesMissing } from '../src/chat/core/outcome-view.js';
import { text } from '../src/chat/core/reply.js';

export const zTarget = z.string().transform((s, ctx) => {
  const t = s.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(t)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a strategy id (see /strategies) or "all"` });
    return z.NEVER;
  }
  return t;
});

export default defineCommand({
  name: 'pause',
  summary: 'pause one strategy or all',
  usage: 'pause [id|all]',
  example: 'pause btc-sma',
  args: z.tuple([zTarget.optional()]),
  role: 'trader',
  async handler(input, deps) {
    if (!deps.services) return servicesMissing('pause');
    const target = input.args[0] ?? 'all';
    const changed = await deps.services.setStrategyPaused(target, true, input.actor);
    if (changed.length === 0) {
      return {
        title: 'Nothing paused',
        tone: target === 'all' ? 'info' : 'error',
        blocks: [
          text(
            target === 'all'
              ? 'No running strategies.'
              : `No running strategy "${target}" (see /strategies).`,
          ),
        ],
      };
    }
    return {
      title: `Paused ${changed.length}`,
      tone: 'ok',
      blocks: [text(`${changed.join(', ')}: no new entries until /resume. Open positions are unchanged.`)],
    };
  },
});
