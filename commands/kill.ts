// /kill [reason]: the kill switch. After a confirmation: cancel every order, flatten every position,
// and set trading HALTED (persisted) until an admin resumes.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { servicesMissing } from '../src/chat/core/outcome-view.js';
import { fields, note } from '../src/chat/core/reply.js';

export default defineCommand({
  name: 'kill',
  summary: 'cancel all, flatten all, halt trading',
  usage: 'kill [reason]',
  example: 'kill exchange looks wrong',
  args: z.array(z.string()).max(30),
  role: 'trader',
  confirm: () =>
    'KILL SWITCH: cancel every open order, close every position at market, and halt trading until an admin resumes?',
  async handler(input, deps) {
    if (!deps.services) return servicesMissing('kill');
    const reason = input.args.join(' ').slice(0, 200) || `kill switch from ${input.platform}`;
    const r = await deps.services.kill(input.actor, reason);
    return {
      title: 'KILL SWITCH: trading HALTED',
      tone: 'warn',
      blocks: [
        fields([
          ['Orders cancelled', String(r.cancelledOrders)],
          ['Closing', r.closingPositions.join(', ') || 'no open positions'],
          ['Reason', reason],
        ]),
        note('Fills will be reported here. An admin must /resume trading.'),
      ],
    };
  },
});
