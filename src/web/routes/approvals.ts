// The approval queue: list, and approve/reject through the very calls /approve and /reject make
// (TradingServices.vote, then the chat copies re-rendered), so quorum, expiry, one vote per person and
// "not your own trade" hold whichever surface a vote comes from.
import { z } from 'zod';
import { voteOutcomeReply } from '../../chat/core/outcome-view.js';
import { approvalDetail, pendingApprovals } from '../../db/repos/views.js';
import { decOrNull, GUARDED, iso, zError, zMoney, zTime, type ZApp } from '../app-type.js';
import { auditWeb } from '../auth.js';
import type { WebDeps } from '../deps.js';
import { replyText } from '../reply-text.js';

const zPending = z.object({
  id: z.number().int(),
  intentId: z.number().int(),
  symbol: z.string(),
  side: z.string(),
  qty: zMoney.nullable(),
  notional: zMoney.nullable(),
  votes: z.number().int(),
  requiredVotes: z.number().int(),
  expiresAt: zTime,
  requestedBy: z.string().nullable(),
  voters: z.array(z.object({ voter: z.string(), vote: z.string() })),
});

const zVote = z.object({
  outcome: z.enum(['recorded', 'approved', 'rejected', 'ignored', 'not-found']),
  approvalId: z.number().int(),
  message: z.string(),
  votes: z.number().int().optional(),
  votesNeeded: z.number().int().optional(),
});

export function approvalRoutes(app: ZApp, deps: WebDeps): void {
  app.get(
    '/api/v1/approvals',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'trades waiting for approval, soonest to expire first (as /pending)',
        tags: ['approvals'],
        response: { 200: z.object({ approvals: z.array(zPending) }), ...GUARDED },
      },
    },
    async () => {
      const pending = await pendingApprovals(deps.db, deps.clock.now());
      const details = await Promise.all(pending.map((a) => approvalDetail(deps.db, a.id)));
      return {
        approvals: pending.map((a, i) => ({
          id: a.id,
          intentId: a.intentId,
          symbol: a.symbol,
          side: a.side,
          qty: decOrNull(a.qty),
          notional: decOrNull(a.notional),
          votes: a.votes,
          requiredVotes: a.requiredVotes,
          expiresAt: iso(a.expiresAt),
          requestedBy: details[i]?.intent.requestedBy ?? null,
          voters: (details[i]?.votes ?? []).map((v) => ({
            voter: `${v.platform}:${v.userId}`,
            vote: v.vote,
          })),
        })),
      };
    },
  );

  for (const vote of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/approvals/:id/${vote}`,
      {
        config: { access: 'approver', mutates: true },
        schema: {
          summary: `${vote} a pending trade (as /${vote} <id>); quorum, expiry and self-approval rules apply`,
          tags: ['approvals'],
          params: z.object({ id: z.coerce.number().int().positive() }),
          response: { 200: zVote, 404: zVote, 503: zError, ...GUARDED },
        },
      },
      async (req, reply) => {
        const who = req.identity;
        if (!deps.services || !who)
          return reply.code(503).send({ error: 'unavailable', message: 'this process cannot trade' });
        const id = req.params.id;
        const outcome = await deps.services.vote(id, who.actor, vote);
        if (outcome.kind !== 'not-found') await deps.approvals?.refresh(id);
        const message = replyText(voteOutcomeReply(outcome));
        await auditWeb(deps, req, {
          action: vote,
          args: { approvalId: id },
          outcome: outcome.kind === 'ignored' || outcome.kind === 'not-found' ? 'denied' : 'ok',
          detail: message,
        });
        const body = {
          outcome: outcome.kind,
          approvalId: id,
          message,
          ...(outcome.kind === 'recorded' ? { votes: outcome.votes, votesNeeded: outcome.votesNeeded } : {}),
        };
        return outcome.kind === 'not-found' ? reply.code(404).send(body) : body;
      },
    );
  }
}
