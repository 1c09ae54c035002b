// /reject <id>: reject a pending trade (one rejection is enough to stop it).
import { z } from 'zod';
import { zId } from '../src/chat/core/args.js';
import { defineCommand } from '../src/chat/core/command.js';
import { castVote } from './approve.js';

export default defineCommand({
  name: 'reject',
  summary: 'reject a pending trade',
  usage: 'reject <id>',
  example: 'reject 12',
  args: z.tuple([zId]),
  role: 'approver',
  handler: (input, deps) => castVote(input, deps, 'reject'),
});
