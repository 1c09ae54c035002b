// Button callback data: short strings (Telegram allows 64 bytes) that map back to a command, so a press
// is authorised, rate-limited and audited exactly like the typed command.
import type { Button } from './reply.js';

export const CALLBACK_MAX_BYTES = 64;

export type Callback =
  | { kind: 'vote'; approvalId: number; vote: 'approve' | 'reject' }
  | { kind: 'confirm'; code: string; yes: boolean }
  | { kind: 'page'; page: number; line: string }
  | { kind: 'refresh'; line: string };

export function parseCallback(data: string): Callback | null {
  let m = /^ap:(\d{1,12}):([ar])$/.exec(data);
  if (m) return { kind: 'vote', approvalId: Number(m[1]), vote: m[2] === 'a' ? 'approve' : 'reject' };
  m = /^cf:(\d{6}):([yn])$/.exec(data);
  if (m) return { kind: 'confirm', code: m[1] as string, yes: m[2] === 'y' };
  m = /^pg:(\d{1,4}):(.+)$/s.exec(data);
  if (m) return { kind: 'page', page: Number(m[1]), line: m[2] as string };
  m = /^rf:(.+)$/s.exec(data);
  if (m) return { kind: 'refresh', line: m[1] as string };
  return null;
}

/** Re-quote tokens with spaces so the line tokenizes back to the same tokens. */
function commandLine(name: string, rawArgs: string[]): string {
  return [name, ...rawArgs.map((t) => (/\s/.test(t) ? `"${t.replace(/["\\]/g, '\\$&')}"` : t))].join(' ');
}

function fits(data: string): boolean {
  return Buffer.byteLength(data, 'utf8') <= CALLBACK_MAX_BYTES;
}

export function approvalButtons(approvalId: number): Button[] {
  return [
    { label: 'Approve', data: `ap:${approvalId}:a`, style: 'primary' },
    { label: 'Reject', data: `ap:${approvalId}:r`, style: 'danger' },
  ];
}

export function confirmButtons(code: string): Button[] {
  return [
    { label: 'Confirm', data: `cf:${code}:y`, style: 'danger' },
    { label: 'Cancel', data: `cf:${code}:n` },
  ];
}

/** Prev/Next buttons for page `page` of `pages`; none when one page, or when the line is too long. */
export function pageButtons(name: string, rawArgs: string[], page: number, pages: number): Button[] {
  if (pages <= 1) return [];
  const line = commandLine(name, rawArgs);
  const out: Button[] = [];
  if (page > 1) out.push({ label: '◀ Prev', data: `pg:${page - 1}:${line}` });
  if (page < pages) out.push({ label: 'Next ▶', data: `pg:${page + 1}:${line}` });
  return out.every((b) => fits(b.data)) ? out : [];
}

export function refreshButton(name: string, rawArgs: string[] = []): Button[] {
  const data = `rf:${commandLine(name, rawArgs)}`;
  return fits(data) ? [{ label: 'Refresh', data }] : [];
}

/** Slice a list into one page; `page` is clamped into range. */
export function paginate<T>(
  items: readonly T[],
  page: number,
  perPage: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const p = Math.min(Math.max(1, page), pages);
  return { items: items.slice((p - 1) * perPage, p * perPage), page: p, pages };
}
