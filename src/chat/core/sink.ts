// What the core needs from a platform to push messages on its own (alerts, approval requests) and to
// edit them later. Adapters implement it; errors say whether a retry can help and when.
import type { ChatPlatform, MessageRef, Reply } from './reply.js';

export interface ChatSink {
  readonly platform: ChatPlatform;
  send(chatId: string, reply: Reply): Promise<MessageRef>;
  edit(ref: MessageRef, reply: Reply): Promise<void>;
}

/** A platform call that failed. `retryAfterMs` is set on rate limits (HTTP 429 / retry_after). */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    message: string,
    readonly opts: { retryAfterMs?: number; permanent?: boolean } = {},
  ) {
    super(message);
  }
  get retryAfterMs(): number | undefined {
    return this.opts.retryAfterMs;
  }
  get permanent(): boolean {
    return this.opts.permanent ?? false;
  }
}
