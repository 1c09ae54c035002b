// /approve <id>: vote for a pending trade. TradingServices.vote enforces one vote per person, quorum
// and expiry; every posted copy of the request is then re-rendered with the new state.
import { z } from 'zod';
import { zId } from '../src/chat/core/args.js';
import { defineCommand, type CommandDeps, type CommandInput } from '../src/chat/core/command.js';
import { servicesMissing, voteOutcomeReply } from '../src/chat/core/outcome-view.js';
import type { Reply } from '../src/chat/core/reply.js';

export async function castVote(
  input: CommandInput<[number]>,
  deps: CommandDeps,
  vote: 'approve' | 'reject',
): Promise<Reply> {
  if (!deps.services) return servicesMissing(vote);
  const id = input.args[0];
  const outcome = await deps.services.vote(id, input.actor, vote);
  if (outcome.kind !== 'not-found') await deps.approvals?.refresh(id);
  return voteOutcomeReply(outcome);
}

export default defineCommand({
  name: 'approve',
  summary: 'approve a pending trade',
  usage: 'approve <id>',
  example: 'approve 12',
  args: z.tuple([zId]),
  role: 'approver',
  handler: (input, deps) => castVote(input, deps, 'approve'),
});
