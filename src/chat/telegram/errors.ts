// Telegram failures mapped by consequence: rate limited (retry_after), permanent (chat gone, bot
// blocked), or transient. Messages are scrubbed of the bot token, which request URLs embed.
import { TelegramError } from 'telegraf';
import { SinkError } from '../core/sink.js';

export function scrub(message: string, token: string): string {
  return token ? message.split(token).join('[token]') : message;
}

export function toSinkError(e: unknown, token: string): SinkError {
  if (e instanceof SinkError) return e;
  if (e instanceof TelegramError) {
    const desc = scrub(e.description, token);
    if (e.code === 429) {
      return new SinkError(`telegram rate limited: ${desc}`, {
        retryAfterMs: (e.parameters?.retry_after ?? 1) * 1000,
      });
    }
    // 400 chat not found / 403 bot blocked or kicked: retrying cannot help.
    return new SinkError(`telegram rejected the call (${e.code}): ${desc}`, {
      permanent: e.code === 400 || e.code === 403,
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new SinkError(`telegram unreachable: ${scrub(msg, token)}`);
}

/** Editing a message to identical content is an error at Telegram, and harmless for us. */
export function isNotModified(e: unknown): boolean {
  return e instanceof TelegramError && e.code === 400 && /not modified/i.test(e.description);
}
