// A chat Reply in one line, so the web says what chat says about the same outcome (one set of words).
import type { Reply } from '../chat/core/reply.js';

export function replyText(r: Reply): string {
  const body = r.blocks
    .flatMap((b) => (b.kind === 'text' || b.kind === 'note' ? [b.text] : []))
    .join(' ')
    .trim();
  return body ? `${r.title ?? ''}: ${body}` : (r.title ?? '');
}
