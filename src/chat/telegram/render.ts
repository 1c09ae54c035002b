// Reply → Telegram HTML (parse_mode HTML): escaped text, bold title, tables in <pre>, inline keyboards,
// split at Telegram's 4096-character limit with the buttons on the last part; files over the upload limit
// are replaced by a note.
import { formatTable } from '../core/text-table.js';
import { note, type Block, type Button, type Reply, type Tone } from '../core/reply.js';

export const TG_MESSAGE_LIMIT = 4096;
export const TG_CAPTION_LIMIT = 1024;
/** Bot API upload limit for sendDocument (multipart). */
export const TG_DOCUMENT_LIMIT = 50 * 1024 * 1024;

export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

export interface TelegramMessage {
  html: string;
  keyboard?: InlineKeyboard;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const TONE_MARK: Record<Tone, string> = { info: '', ok: '✅ ', warn: '⚠️ ', error: '❌ ', denied: '⛔ ' };

export function keyboard(buttons: Button[][] | undefined): InlineKeyboard | undefined {
  const rows = (buttons ?? []).filter((r) => r.length > 0);
  if (rows.length === 0) return undefined;
  return { inline_keyboard: rows.map((r) => r.map((b) => ({ text: b.label, callback_data: b.data }))) };
}

/** One block as HTML pieces, each small enough to fit in a message on its own. */
function blockHtml(b: Block, limit: number): string[] {
  switch (b.kind) {
    case 'text':
      return chunkLines(b.text, limit - 16).map(escapeHtml);
    case 'note':
      return chunkLines(b.text, limit - 16).map((t) => `<i>${escapeHtml(t)}</i>`);
    case 'fields':
      return chunkLines(b.rows.map((r) => `${r.key}: ${r.value}`).join('\n'), limit - 16).map((t) =>
        t
          .split('\n')
          .map((l) => {
            const i = l.indexOf(': ');
            return i < 0
              ? escapeHtml(l)
              : `<b>${escapeHtml(l.slice(0, i))}:</b>${escapeHtml(l.slice(i + 1))}`;
          })
          .join('\n'),
      );
    case 'table':
      if (b.rows.length === 0) return ['<i>(none)</i>'];
      return chunkLines(formatTable(b.columns, b.rows), limit - 16).map((t) => `<pre>${escapeHtml(t)}</pre>`);
  }
}

/** Split text at line breaks into chunks of at most `max` characters (hard-cutting over-long lines). */
export function chunkLines(s: string, max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of s.split('\n')) {
    const parts = line.length > max ? (line.match(new RegExp(`[\\s\\S]{1,${max}}`, 'g')) ?? ['']) : [line];
    for (const p of parts) {
      if (cur && cur.length + 1 + p.length > max) {
        out.push(cur);
        cur = p;
      } else {
        cur = cur ? `${cur}\n${p}` : p;
      }
    }
  }
  out.push(cur);
  return out;
}

export function renderTelegram(reply: Reply, limit = TG_MESSAGE_LIMIT): TelegramMessage[] {
  const pieces: string[] = [];
  if (reply.title) pieces.push(`<b>${escapeHtml(`${TONE_MARK[reply.tone ?? 'info']}${reply.title}`)}</b>`);
  // Escaping can grow text up to 5× (& → &amp;), so raw chunks stay under a fifth of the limit.
  const budget = Math.floor(limit / 5);
  for (const b of reply.blocks) pieces.push(...blockHtml(b, budget));
  const messages: string[] = [];
  let cur = '';
  for (const p of pieces) {
    if (cur && cur.length + 2 + p.length > limit) {
      messages.push(cur);
      cur = p;
    } else {
      cur = cur ? `${cur}\n\n${p}` : p;
    }
  }
  if (cur || messages.length === 0) messages.push(cur || escapeHtml(reply.title ?? '…'));
  const kb = keyboard(reply.buttons);
  return messages.map((html, i) => (i === messages.length - 1 && kb ? { html, keyboard: kb } : { html }));
}

/** A file over the Bot API's upload limit is left out, with a note saying so (the rest still arrives). */
export function withinDocumentLimit(reply: Reply): Reply {
  if (!reply.file || reply.file.data.length <= TG_DOCUMENT_LIMIT) return reply;
  const { file, ...rest } = reply;
  const mb = (file.data.length / 1_048_576).toFixed(1);
  return {
    ...rest,
    blocks: [
      ...rest.blocks,
      note(`${file.filename} is ${mb} MB, over Telegram's 50 MB limit for bot uploads: not attached.`),
    ],
  };
}
