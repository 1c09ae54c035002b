// Monospace layout shared by every renderer: tables and key/value rows that fit a phone screen
// (≤ 40 columns). Text columns are shortened with "…" to fit; numbers are never cut.
import type { Block, Column } from './reply.js';

export const PHONE_WIDTH = 40;

function width(s: string): number {
  return [...s].length;
}

function cut(s: string, w: number): string {
  const chars = [...s];
  if (chars.length <= w) return s;
  return w <= 1 ? '…' : `${chars.slice(0, w - 1).join('')}…`;
}

function pad(s: string, w: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? gap + s : s + gap;
}

const NUMERIC = /^[-+]?[$]?[\d,]*\.?\d+[%]?$|^[-—]$/;

/** A column is numeric when every cell looks like a number; those are right-aligned and never cut. */
function isNumericColumn(rows: string[][], i: number): boolean {
  let seen = false;
  for (const r of rows) {
    const c = (r[i] ?? '').trim();
    if (c === '') continue;
    if (!NUMERIC.test(c)) return false;
    seen = true;
  }
  return seen;
}

export function formatTable(columns: Column[], rows: string[][], maxWidth = PHONE_WIDTH): string {
  const n = columns.length;
  const numeric = columns.map((_, i) => isNumericColumn(rows, i));
  const align = columns.map((c, i) => c.align ?? (numeric[i] ? 'right' : 'left'));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const total = (gap: number): number => widths.reduce((a, b) => a + b, 0) + gap * (n - 1);
  const gap = total(2) <= maxWidth ? 2 : 1;
  // Shrink the widest text column one char at a time; headers may be cut, numbers may not.
  while (total(gap) > maxWidth) {
    let widest = -1;
    for (let i = 0; i < n; i++) {
      if (numeric[i] || (widths[i] ?? 0) <= 4) continue;
      if (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0)) widest = i;
    }
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const a = align[i] ?? 'left';
        return pad(numeric[i] ? c : cut(c, w), w, a);
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    ...rows.map((r) => line(columns.map((_, i) => r[i] ?? ''))),
  ].join('\n');
}

/** Key/value rows with aligned values; long keys are not padded past half the width. */
export function formatFields(rows: { key: string; value: string }[], maxWidth = PHONE_WIDTH): string {
  const keyW = Math.min(Math.max(0, ...rows.map((r) => width(r.key))), Math.floor(maxWidth / 2));
  return rows.map((r) => `${pad(r.key, keyW, 'left')}  ${r.value}`).join('\n');
}

/** One block as plain text: what the console prints and what notifications fall back to. */
export function blockPlain(b: Block): string {
  switch (b.kind) {
    case 'text':
    case 'note':
      return b.text;
    case 'fields':
      return formatFields(b.rows);
    case 'table':
      return b.rows.length === 0 ? '(none)' : formatTable(b.columns, b.rows);
  }
}
