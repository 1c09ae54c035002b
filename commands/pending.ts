// /pending: trades waiting for approval, with Approve / Reject buttons for approvers.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { approvalButtons, pageButtons, paginate } from '../src/chat/core/callback-data.js';
import { fmtDuration, fmtMoney, fmtQty } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { atLeast } from '../src/chat/core/roles.js';
import { pendingApprovals } from '../src/db/repos/views.js';

const PER_PAGE = 5;

export default defineCommand({
  name: 'pending',
  summary: 'trades awaiting approval',
  usage: 'pending',
  example: 'pending',
  args: zNone,
  role: 'viewer',
  async handler(input, deps) {
    const now = deps.clock.now();
    const all = await pendingApprovals(deps.db, now);
    if (all.length === 0)
      return { title: 'Pending approvals', blocks: [text('Nothing is waiting for approval.')] };
    const { items, page, pages } = paginate(all, input.page, PER_PAGE);
    const canVote = atLeast(input.role, 'approver');
    return {
      title: `Pending approvals (${all.length})`,
      blocks: [
        table(
          ['#', 'Trade', 'Votes', 'Left'],
          items.map((a) => [
            String(a.id),
            `${a.side} ${a.qty ? fmtQty(a.qty) : a.notional ? `$${fmtMoney(a.notional, 0)}` : '?'} ${a.symbol}`,
            `${a.votes}/${a.requiredVotes}`,
            fmtDuration(a.expiresAt.getTime() - now),
          ]),
        ),
        note(
          canVote
            ? 'Buttons vote on each; /approve <id> works too.'
            : 'Approvers can vote with /approve <id>.',
        ),
      ],
      buttons: [
        ...(canVote
          ? items.map((a) => approvalButtons(a.id).map((b) => ({ ...b, label: `${b.label} #${a.id}` })))
          : []),
        pageButtons('pending', input.rawArgs, page, pages),
      ],
    };
  },
});
