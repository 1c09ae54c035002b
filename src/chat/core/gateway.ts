// The transport-neutral chat core: sender check → rate limit → role → command lookup → argument parse →
// role check → confirmation → handler → audit. Adapters only map platform input here and render replies.
import type { Clock } from '../../domain/clock.js';
import { logger } from '../../platform/logger.js';
import { metrics } from '../../platform/metrics.js';
import { auditChat, toastOf, worstTone } from './chat-audit.js';
import type { ChatInput, ChatResult } from './chat-input.js';
import type { RoleSource } from './authz.js';
import { parseCallback } from './callback-data.js';
import type { CommandContext, CommandDeps, CommandInfo, Invocation } from './command.js';
import { answerConfirmation, askConfirmation, type ConfirmFlow } from './confirm-flow.js';
import { Confirmations, CONFIRM_TTL_MS } from './confirmations.js';
import { RateLimiter, type ChatRateLimiter, type RateLimitOptions } from './rate-limit.js';
import type { Registry } from './registry.js';
import type { Reply } from './reply.js';
import type { Role } from './roles.js';
import * as std from './standard-replies.js';
import { parseCommandLine } from './tokenize.js';
import { resolveCommand } from './resolve.js';

export type { ChatInput, ChatResult } from './chat-input.js';

export interface ChatCoreOptions {
  registry: Registry;
  deps: Omit<CommandDeps, 'catalog'>;
  roles: RoleSource;
  clock: Clock;
  /** Buckets shared by every gateway process (Redis); absent: `rateLimit` buckets in this memory. */
  rateLimiter?: ChatRateLimiter;
  rateLimit?: RateLimitOptions;
  confirmTtlMs?: number;
}

const REFUSAL_REPEAT_MS = 60 * 60_000;

export class ChatCore {
  private readonly limiter: ChatRateLimiter;
  private readonly confirmFlow: ConfirmFlow;
  private readonly refused = new Map<string, number>();
  private readonly deps: CommandDeps;

  constructor(private readonly opts: ChatCoreOptions) {
    this.limiter = opts.rateLimiter ?? new RateLimiter(opts.clock, opts.rateLimit);
    const ttlMs = opts.confirmTtlMs ?? CONFIRM_TTL_MS;
    this.confirmFlow = {
      confirmations: new Confirmations(opts.deps.db, opts.clock, ttlMs),
      registry: opts.registry,
      ttlMs,
      audit: (...a) => this.audit(...a),
      run: (...a) => this.run(...a),
    };
    this.deps = { ...opts.deps, catalog: (role) => opts.registry.catalog(role) };
  }

  /** The commands a role may use (for platform command menus). */
  catalog(role: Role): CommandInfo[] {
    return this.opts.registry.catalog(role);
  }

  /** Never throws: infrastructure failures (database down) become a short apology, logged. */
  async handle(input: ChatInput): Promise<ChatResult> {
    const started = performance.now();
    const command = (input.text ?? '').trim().split(/\s+/)[0] ?? '';
    try {
      const r = await this.handleUnsafe(input);
      const outcome = r.notice === 'Not authorised' || r.replies.length === 0 ? 'denied' : 'ok';
      metrics.chatCommand(
        input.platform,
        input.callback !== undefined ? 'button' : command,
        outcome,
        performance.now() - started,
      );
      return r;
    } catch (e) {
      logger().error({ err: e instanceof Error ? e.message : String(e) }, 'chat input not handled');
      metrics.chatCommand(input.platform, command, 'error', performance.now() - started);
      return { replies: [std.unavailableReply()], notice: 'Unavailable' };
    }
  }

  private async handleUnsafe(input: ChatInput): Promise<ChatResult> {
    const via = input.callback !== undefined ? 'button' : 'text';
    const raw = (input.callback ?? input.text ?? '').slice(0, 200);
    if (!input.userId) {
      // No person to authorise: refuse silently (answering channel posts would only add noise).
      const r = await this.limiter.admit(`nosender:${input.platform}:${input.chatId}`);
      if (r.decision === 'allow') {
        await this.audit(input, '(no sender)', { raw, via }, 'rejected', 'update without a sender');
      }
      return { replies: [] };
    }
    const userKey = `${input.platform}:${input.userId}`;
    // The console is the operator's own terminal (and scripts pipe many lines into it): no flood limit.
    const rate = input.platform === 'console' ? null : await this.limiter.admit(userKey);
    if (rate?.decision === 'drop') return { replies: [] };
    if (rate?.decision === 'warn') {
      await this.audit(input, 'rate-limit', { raw, via }, 'rate-limited');
      return { replies: [std.slowDownReply(rate.retryAfterSec)], notice: 'Slow down' };
    }
    const role = await this.opts.roles.roleOf(input.platform, input.userId, input.scope);
    if (role === null) {
      await this.audit(
        input,
        via === 'button' ? 'button' : 'message',
        { raw, via },
        'denied',
        'not on the allow-list',
      );
      const last = this.refused.get(userKey);
      const now = this.opts.clock.now();
      if (last !== undefined && now - last < REFUSAL_REPEAT_MS)
        return { replies: [], notice: 'Not authorised' };
      this.refused.set(userKey, now);
      // Bound the memory a swarm of strangers can take.
      if (this.refused.size > 10_000) {
        for (const [k, t] of this.refused) if (now - t >= REFUSAL_REPEAT_MS) this.refused.delete(k);
      }
      return { replies: [std.notAllowedReply(input.platform, input.userId)], notice: 'Not authorised' };
    }
    const ctx: CommandContext = {
      actor: { platform: input.platform, userId: input.userId, name: input.userName ?? input.userId },
      platform: input.platform,
      chatId: input.chatId,
      scope: input.scope,
      role,
      page: 1,
      rawArgs: [],
    };
    return input.callback !== undefined
      ? this.onButton(input, ctx, input.callback)
      : this.onText(input, ctx, input.text ?? '');
  }

  private async onText(input: ChatInput, ctx: CommandContext, line: string): Promise<ChatResult> {
    const parsed = parseCommandLine(line);
    if (parsed.ok === 'empty') return { replies: [] };
    if (!parsed.ok) {
      await this.audit(input, 'message', { raw: line.slice(0, 200) }, 'invalid', parsed.error);
      return { replies: [std.badInputReply(parsed.error)] };
    }
    const { name, args } = parsed.line;
    if (name === 'confirm' || name === 'cancel') {
      const code = args[0] ?? '';
      return answerConfirmation(this.confirmFlow, input, ctx, code, name === 'confirm', false);
    }
    return this.dispatch(input, ctx, name, args, 'text');
  }

  private async onButton(input: ChatInput, ctx: CommandContext, data: string): Promise<ChatResult> {
    const cb = parseCallback(data);
    if (cb === null) {
      await this.audit(
        input,
        'button',
        { data: data.slice(0, 64), via: 'button' },
        'invalid',
        'unknown button',
      );
      return { replies: [], notice: 'This button is no longer valid' };
    }
    switch (cb.kind) {
      case 'vote': {
        // The approval message itself is re-rendered for everyone; the voter gets a toast, not a new
        // message, unless the press was refused (role) or failed.
        const res = await this.dispatch(input, ctx, cb.vote, [String(cb.approvalId)], 'button');
        const first = res.replies[0];
        const quiet = first !== undefined && first.tone !== 'error' && first.tone !== 'denied';
        return quiet ? { replies: [], notice: toastOf(first) } : res;
      }
      case 'confirm':
        return answerConfirmation(this.confirmFlow, input, ctx, cb.code, cb.yes, true);
      case 'page':
      case 'refresh': {
        const parsed = parseCommandLine(cb.line);
        if (parsed.ok !== true) return { replies: [], notice: 'This button is no longer valid' };
        const page = cb.kind === 'page' ? cb.page : 1;
        const res = await this.dispatch(
          input,
          { ...ctx, page },
          parsed.line.name,
          parsed.line.args,
          'button',
        );
        return {
          ...res,
          replies: res.replies.map((r, i) => (i === 0 && !r.edit ? { ...r, edit: 'origin' } : r)),
        };
      }
    }
  }

  private async dispatch(
    input: ChatInput,
    ctx: CommandContext,
    name: string,
    tokens: string[],
    via: 'text' | 'button',
  ): Promise<ChatResult> {
    const auditArgs = { args: tokens, via };
    const r = resolveCommand(this.opts.registry, name, tokens, ctx.role);
    if (r.kind !== 'ok') {
      await this.audit(input, r.action, auditArgs, r.kind, r.detail);
      const notice = { unknown: 'Unknown command', invalid: 'Invalid arguments', denied: 'Not allowed' }[
        r.kind
      ];
      return { replies: [r.reply], notice };
    }
    const inv = r.invocation;
    if (inv.confirmPrompt !== null) {
      const early = await inv.beforeConfirm({ ...ctx, rawArgs: tokens }, this.deps);
      if (early !== null) {
        await this.audit(input, inv.command.name, auditArgs, 'ok', early.title ?? null);
        return { replies: [early], notice: early.title ?? 'Done' };
      }
      return askConfirmation(this.confirmFlow, input, ctx, inv, tokens, auditArgs);
    }
    return this.run(input, { ...ctx, rawArgs: tokens }, inv, auditArgs);
  }

  private async run(
    input: ChatInput,
    ctx: CommandContext,
    inv: Invocation,
    auditArgs: Record<string, unknown>,
  ): Promise<ChatResult> {
    const name = inv.command.name;
    let replies: Reply[];
    try {
      replies = await inv.run(ctx, this.deps);
    } catch (e) {
      // Raw errors may carry SDK internals (keys, URLs): log the message only, show the user nothing of it.
      logger().error(
        { command: name, err: e instanceof Error ? e.message : String(e) },
        'chat command failed',
      );
      await this.audit(input, name, auditArgs, 'error', e instanceof Error ? e.name : 'error');
      return { replies: [std.crashedReply(name)], notice: 'Failed' };
    }
    const tone = worstTone(replies);
    const outcome = tone === 'error' ? 'error' : tone === 'denied' ? 'denied' : 'ok';
    await this.audit(input, name, auditArgs, outcome, replies[0]?.title ?? null);
    return { replies, notice: outcome === 'ok' ? 'Done' : (replies[0]?.title ?? 'Done') };
  }

  private audit(
    input: ChatInput,
    action: string,
    args: Record<string, unknown>,
    outcome: string,
    detail: string | null = null,
  ): Promise<void> {
    return auditChat(this.opts.deps.db, this.opts.clock, input, { action, args, outcome, detail });
  }
}
