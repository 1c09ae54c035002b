// Replies for what the trading services answer: trade outcomes, votes, and their absence.
import type { TradeOutcome, VoteOutcome } from '../../engine/services.js';
import { fmtDuration } from './format.js';
import { note, text, type Reply } from './reply.js';

export function servicesMissing(name: string): Reply {
  return {
    title: 'Not available here',
    tone: 'error',
    blocks: [text(`/${name} needs the trading engine, which is not running in this process.`)],
  };
}

export function tradeOutcomeReply(o: TradeOutcome, what: string, now: number): Reply {
  switch (o.kind) {
    case 'submitted':
      return {
        title: `Accepted: ${what}`,
        tone: 'ok',
        blocks: [
          text(`Intent #${o.intentId} passed risk checks and was queued for the exchange.`),
          note(`order link id ${o.orderLinkId}; the fill will be reported here.`),
        ],
      };
    case 'denied':
      return {
        title: `Denied: ${what}`,
        tone: 'warn',
        blocks: [
          text(o.reasons.map((r) => `• ${r.reason}`).join('\n') || 'Denied by risk checks.'),
          note(`intent #${o.intentId}`),
        ],
      };
    case 'awaiting-approval':
      return {
        title: `Awaiting approval: ${what}`,
        tone: 'warn',
        blocks: [
          text(
            `Approval #${o.approvalId} needs ${o.votesNeeded} vote${o.votesNeeded === 1 ? '' : 's'} within ${fmtDuration(o.expiresAt - now)}.`,
          ),
          note('Approvers were sent the request; /pending lists it.'),
        ],
      };
    case 'invalid':
      return { title: `Not accepted: ${what}`, tone: 'error', blocks: [text(o.message)] };
  }
}

export function voteOutcomeReply(o: VoteOutcome): Reply {
  switch (o.kind) {
    case 'recorded':
      return {
        title: `Vote recorded on #${o.approvalId}`,
        tone: 'ok',
        blocks: [text(`${o.votes}/${o.votesNeeded} approvals so far.`)],
      };
    case 'approved':
      return {
        title: `Approved #${o.approvalId}`,
        tone: 'ok',
        blocks: [text(`Intent #${o.intentId} goes to the exchange (${o.voters.join(', ')}).`)],
      };
    case 'rejected':
      return {
        title: `Rejected #${o.approvalId}`,
        tone: 'ok',
        blocks: [text(`Intent #${o.intentId} will not be traded.`)],
      };
    case 'ignored':
      return { title: `Vote not counted on #${o.approvalId}`, tone: 'warn', blocks: [text(o.reason)] };
    case 'not-found':
      return {
        title: 'No such approval',
        tone: 'error',
        blocks: [text(`There is no approval #${o.approvalId}.`)],
      };
  }
}
