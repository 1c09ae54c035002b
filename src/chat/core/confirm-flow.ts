// The confirmation step of the chat core: a destructive invocation gets a code instead of running, and
// `/confirm CODE` (or the button) runs it for its asker only; `/cancel CODE` drops it.
import type { ChatInput, ChatResult } from './chat-input.js';
import type { CommandContext, Invocation } from './command.js';
import type { Confirmations } from './confirmations.js';
import type { Registry } from './registry.js';
import { resolveCommand } from './resolve.js';
import * as std from './standard-replies.js';

export interface ConfirmFlow {
  confirmations: Confirmations;
  registry: Registry;
  ttlMs: number;
  audit(
    input: ChatInput,
    action: string,
    args: Record<string, unknown>,
    outcome: string,
    detail?: string | null,
  ): Promise<void>;
  run(
    input: ChatInput,
    ctx: CommandContext,
    inv: Invocation,
    auditArgs: Record<string, unknown>,
  ): Promise<ChatResult>;
}

const userKeyOf = (input: ChatInput, ctx: CommandContext): string => `${input.platform}:${ctx.actor.userId}`;

export async function askConfirmation(
  f: ConfirmFlow,
  input: ChatInput,
  ctx: CommandContext,
  inv: Invocation,
  tokens: string[],
  auditArgs: Record<string, unknown>,
): Promise<ChatResult> {
  const name = inv.command.name;
  const { code } = await f.confirmations.create(userKeyOf(input, ctx), { command: name, args: tokens });
  await f.audit(input, name, auditArgs, 'confirm-requested', `code ${code}`);
  return { replies: [std.confirmPromptReply(inv.confirmPrompt ?? '', code, f.ttlMs)] };
}

export async function answerConfirmation(
  f: ConfirmFlow,
  input: ChatInput,
  ctx: CommandContext,
  code: string,
  yes: boolean,
  fromButton: boolean,
): Promise<ChatResult> {
  const userKey = userKeyOf(input, ctx);
  const edit = fromButton ? ('origin' as const) : undefined;
  const via = fromButton ? 'button' : 'text';
  if (!yes) {
    const ok = await f.confirmations.cancel(code, userKey);
    await f.audit(input, 'cancel', { code, via }, ok ? 'ok' : 'invalid');
    return ok
      ? { replies: [{ title: 'Cancelled', tone: 'info', blocks: [], edit }], notice: 'Cancelled' }
      : { replies: [std.confirmProblemReply('not-yours')], notice: 'Not yours' };
  }
  const taken = await f.confirmations.take(code, userKey);
  if (taken.kind !== 'ok') {
    await f.audit(input, 'confirm', { code, via }, 'invalid', taken.kind);
    const r = std.confirmProblemReply(taken.kind);
    return { replies: [taken.kind === 'expired' && edit ? { ...r, edit } : r], notice: 'Not confirmed' };
  }
  // Only the name and tokens were stored: parse again, and check the role again, which may have been
  // revoked during the wait (or the command changed by a deploy in between).
  const tokens = taken.value.args;
  const r = resolveCommand(f.registry, taken.value.command, tokens, ctx.role);
  if (r.kind !== 'ok') {
    const detail = r.kind === 'denied' ? 'role changed' : r.detail;
    await f.audit(input, r.action, { args: tokens, confirmed: code }, r.kind, detail);
    return { replies: [r.reply] };
  }
  const res = await f.run(input, { ...ctx, rawArgs: tokens }, r.invocation, {
    args: tokens,
    confirmed: code,
  });
  return { ...res, replies: res.replies.map((x, i) => (i === 0 && edit && !x.edit ? { ...x, edit } : x)) };
}
