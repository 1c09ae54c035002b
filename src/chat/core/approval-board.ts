// Posts approval requests to every platform where approvers are, remembers each copy in
// approvals.messages, and edits every copy when a vote lands or the request expires.
import { and, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { usersWithRoleAtLeast } from '../../db/repos/chat-users.js';
import {
  approvalDetail,
  balanceRows,
  latestEquity,
  openPositions,
  type ApprovalDetail,
} from '../../db/repos/views.js';
import { approvals, idempotencyKeys } from '../../db/schema/index.js';
import { dec, ZERO, type Decimal } from '../../domain/decimal.js';
import type { Clock } from '../../domain/clock.js';
import { logger } from '../../platform/logger.js';
import { accountEquity } from '../../reports/index.js';
import { REPORT_CCY } from './report-format.js';
import { approvalState, renderApproval, type ApprovalContext } from './approval-view.js';
import type { ApprovalRefresher } from './command.js';
import type { ChatPlatform, MessageRef, Reply } from './reply.js';
import type { ChatSink } from './sink.js';

export interface ApprovalBoardOptions {
  db: Db;
  clock: Clock;
  sinks: ChatSink[];
  /** A group chat / channel per platform; when set, requests go there instead of to each approver. */
  chats?: Partial<Record<ChatPlatform, string>>;
}

export class ApprovalBoard implements ApprovalRefresher {
  private readonly chains = new Map<number, Promise<unknown>>();

  constructor(private readonly opts: ApprovalBoardOptions) {}

  /** Where a platform's copy goes: its configured chat, else a direct message to each approver. */
  async targets(platform: ChatPlatform): Promise<string[]> {
    const fixed = this.opts.chats?.[platform];
    if (fixed) return [fixed];
    if (platform === 'console') return ['console'];
    const approvers = await usersWithRoleAtLeast(this.opts.db, 'approver');
    const ids = approvers
      .filter((u) => u.platform === platform)
      // Telegram grants scoped to a chat post in that chat; otherwise DM the user (Slack scopes are teams).
      .map((u) => (platform === 'telegram' && u.scope !== '*' ? u.scope : u.userId));
    return [...new Set(ids)];
  }

  async render(approvalId: number): Promise<Reply | null> {
    const d = await approvalDetail(this.opts.db, approvalId);
    return d ? this.renderDetail(d) : null;
  }

  private async renderDetail(d: ApprovalDetail): Promise<Reply> {
    return renderApproval(d, await this.context(d.intent.symbol));
  }

  /**
   * An expired (or withdrawn) request reads the same for good, and both the engine's notice and the
   * sweeper report it: the first to claim the edit makes it, so each copy says so once.
   */
  private async claimExpiredEdit(approvalId: number): Promise<boolean> {
    const claimed = await this.opts.db
      .insert(idempotencyKeys)
      .values({ key: expiredEditKey(approvalId), job: 'approval-board' })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return claimed.length > 0;
  }

  /** Post the request on the given platforms (default: every sink). Copies already posted are skipped. */
  async post(approvalId: number, platforms?: readonly ChatPlatform[]): Promise<MessageRef[]> {
    const reply = await this.render(approvalId);
    if (!reply) return [];
    const [row] = await this.opts.db
      .select({ messages: approvals.messages })
      .from(approvals)
      .where(eq(approvals.id, approvalId));
    const have = new Set((row?.messages ?? []).map((m) => `${m.platform}:${m.chatId}`));
    const posted: MessageRef[] = [];
    for (const sink of this.opts.sinks) {
      if (platforms && !platforms.includes(sink.platform)) continue;
      for (const chatId of await this.targets(sink.platform)) {
        if (have.has(`${sink.platform}:${chatId}`)) continue;
        try {
          const ref = await sink.send(chatId, reply);
          posted.push(ref);
          // Append one at a time so a failure later still leaves the earlier copies editable.
          await this.opts.db
            .update(approvals)
            .set({ messages: sql`${approvals.messages} || ${JSON.stringify([ref])}::jsonb` })
            .where(eq(approvals.id, approvalId));
        } catch (e) {
          logger().warn(
            { approvalId, platform: sink.platform, err: errText(e) },
            'approval request not delivered',
          );
        }
      }
    }
    return posted;
  }

  /** Re-render every copy with the current state; calls for one approval run one after another. */
  async refresh(approvalId: number): Promise<void> {
    await this.queueEdit(approvalId);
  }

  /** refresh(), saying whether anything was edited (not when there are no copies, or the expiry was shown). */
  private queueEdit(approvalId: number): Promise<boolean> {
    const prev = this.chains.get(approvalId) ?? Promise.resolve(false);
    const next = prev.then(() => this.editAll(approvalId));
    const tail = next.catch(() => {});
    this.chains.set(approvalId, tail);
    void tail.then(() => {
      if (this.chains.get(approvalId) === tail) this.chains.delete(approvalId);
    });
    return next;
  }

  /** Edit copies of approvals that expired since the last sweep (each once). Returns how many. */
  async sweepExpired(): Promise<number> {
    const now = new Date(this.opts.clock.now());
    const since = new Date(now.getTime() - 24 * 3600_000);
    const due = await this.opts.db
      .select({ id: approvals.id })
      .from(approvals)
      .where(
        and(
          gt(approvals.expiresAt, since),
          or(
            eq(approvals.status, 'expired'),
            and(eq(approvals.status, 'pending'), lt(approvals.expiresAt, now)),
          ),
        ),
      );
    if (due.length === 0) return 0;
    const done = await this.opts.db
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(
        inArray(
          idempotencyKeys.key,
          due.map((d) => expiredEditKey(d.id)),
        ),
      );
    const seen = new Set(done.map((d) => d.key));
    let n = 0;
    for (const d of due) {
      if (seen.has(expiredEditKey(d.id))) continue;
      if (await this.queueEdit(d.id)) n++;
    }
    return n;
  }

  private async editAll(approvalId: number): Promise<boolean> {
    const d = await approvalDetail(this.opts.db, approvalId);
    if (!d || d.approval.messages.length === 0) return false;
    const expired = approvalState(d, this.opts.clock.now()) === 'expired';
    if (expired && !(await this.claimExpiredEdit(approvalId))) return false;
    const reply = await this.renderDetail(d);
    await Promise.all(
      d.approval.messages.map(async (m) => {
        const sink = this.opts.sinks.find((s) => s.platform === m.platform);
        if (!sink) return;
        try {
          await sink.edit({ platform: sink.platform, chatId: m.chatId, messageId: m.messageId }, reply);
        } catch (e) {
          logger().warn({ approvalId, platform: m.platform, err: errText(e) }, 'approval message not edited');
        }
      }),
    );
    return true;
  }

  private async context(symbol: string): Promise<ApprovalContext> {
    const [eq0, pos, bals] = await Promise.all([
      latestEquity(this.opts.db),
      openPositions(this.opts.db),
      balanceRows(this.opts.db),
    ]);
    let gross: Decimal = ZERO;
    let size: Decimal = ZERO;
    for (const p of pos) {
      gross = gross.add(p.size.abs().mul(p.markPrice ?? p.avgEntry));
      if (p.symbol === symbol) size = p.size;
    }
    // The equity /status and /balance show, so the card's "% of equity" agrees with them.
    const equity = accountEquity(bals, eq0, REPORT_CCY)?.equity ?? null;
    return {
      equity: equity ? dec(equity) : null,
      positionSize: size,
      grossExposure: gross,
      now: this.opts.clock.now(),
    };
  }
}

function expiredEditKey(approvalId: number): string {
  return `approval-expired-edit:${approvalId}`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
