// Audit trail for chat input (every command, button press and outcome) and the small helpers that
// summarise a handler's replies into an outcome and a toast.
import { appendAudit } from '../../audit/chain.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../domain/clock.js';
import { logger } from '../../platform/logger.js';
import type { ChatInput } from './chat-input.js';
import type { Reply, Tone } from './reply.js';

export async function auditChat(
  db: Db,
  clock: Clock,
  input: ChatInput,
  e: { action: string; args: Record<string, unknown>; outcome: string; detail: string | null },
): Promise<void> {
  try {
    await appendAudit(
      db,
      {
        actor: input.userId ? `${input.platform}:${input.userId}` : '(no sender)',
        platform: input.platform,
        chatId: input.chatId,
        action: e.action,
        args: input.userName ? { ...e.args, name: input.userName } : e.args,
        outcome: e.outcome,
        detail: e.detail,
      },
      clock,
    );
  } catch (err) {
    // A failed audit must not take the chat down; it is logged for the operator.
    logger().error(
      { action: e.action, err: err instanceof Error ? err.message : String(err) },
      'audit append failed',
    );
  }
}

export function toastOf(r: Reply): string {
  const b = r.blocks[0];
  const body = b && (b.kind === 'text' || b.kind === 'note') ? `: ${b.text}` : '';
  return `${r.title ?? 'Done'}${body}`.slice(0, 190);
}

export function worstTone(replies: Reply[]): Tone {
  const order: Tone[] = ['info', 'ok', 'warn', 'denied', 'error'];
  let worst: Tone = 'info';
  for (const r of replies)
    if (order.indexOf(r.tone ?? 'info') > order.indexOf(worst)) worst = r.tone ?? 'info';
  return worst;
}
