// /resume [id|all|trading]: resume paused strategies; after a kill or a breaker (trading HALTED or
// REDUCING), `/resume` or `/resume trading` re-enables trading itself, which only an admin may do.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { servicesMissing } from '../src/chat/core/outcome-view.js';
import { note, text } from '../src/chat/core/reply.js';
import { atLeast } from '../src/chat/core/roles.js';
import { tradingStateRow } from '../src/db/repos/views.js';
import { zTarget } from './pause.js';

export default defineCommand({
  name: 'resume',
  summary: 'resume strategies, or trading after a kill (admin)',
  usage: 'resume [id|all]\nresume trading',
  example: 'resume btc-sma',
  args: z.tuple([zTarget.optional()]),
  role: 'trader',
  async handler(input, deps) {
    if (!deps.services) return servicesMissing('resume');
    const target = input.args[0];
    const state = await tradingStateRow(deps.db);
    const halted = state.state !== 'ACTIVE';
    if (target === 'trading' || (target === undefined && halted)) {
      if (!halted) return { title: 'Trading is already ACTIVE', tone: 'info', blocks: [] };
      if (!atLeast(input.role, 'admin')) {
        return {
          title: 'Not allowed',
          tone: 'denied',
          private: true,
          blocks: [text(`Trading is ${state.state}; only an admin may resume it. You are ${input.role}.`)],
        };
      }
      const r = await deps.services.resumeTrading(input.actor);
      return {
        title: 'Trading resumed',
        tone: 'ok',
        blocks: [text(`${r.previous} → ACTIVE. Paused strategies stay paused; /resume all restarts them.`)],
      };
    }
    const changed = await deps.services.setStrategyPaused(target ?? 'all', false, input.actor);
    const blocks = [
      text(
        changed.length
          ? `${changed.join(', ')} will trade on their next candle.`
          : 'No paused strategy matched (see /strategies).',
      ),
    ];
    if (halted) blocks.push(note(`Trading itself is still ${state.state}: an admin must /resume trading.`));
    return {
      title: changed.length ? `Resumed ${changed.length}` : 'Nothing resumed',
      tone: changed.length ? 'ok' : 'info',
      blocks,
    };
  },
});
