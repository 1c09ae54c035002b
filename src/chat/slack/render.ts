// Reply → Slack Block Kit: header, mrkdwn sections (escaped), fields, tables in code blocks, context
// notes and button rows; plus the plain-text fallback Slack shows in notifications.
import type { types } from '@slack/bolt';
import { blockPlain, formatTable } from '../core/text-table.js';
import type { Block, Reply, Tone } from '../core/reply.js';

export const BUTTON_ACTION_PREFIX = 'bosun_btn_';
const SECTION_LIMIT = 2900;
const MAX_BLOCKS = 50;

const TONE_MARK: Record<Tone, string> = { info: '', ok: '✅ ', warn: '⚠️ ', error: '❌ ', denied: '⛔ ' };

export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

type KnownBlock = types.KnownBlock;

function chunk(s: string, max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of s.split('\n')) {
    const l = line.length > max ? line.slice(0, max) : line;
    if (cur && cur.length + 1 + l.length > max) {
      out.push(cur);
      cur = l;
    } else cur = cur ? `${cur}\n${l}` : l;
  }
  out.push(cur);
  return out;
}

function kit(b: Block): KnownBlock[] {
  switch (b.kind) {
    case 'text':
      return chunk(b.text, SECTION_LIMIT).map((t) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: escapeMrkdwn(t) || ' ' },
      }));
    case 'note':
      return [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: escapeMrkdwn(b.text).slice(0, SECTION_LIMIT) || ' ' }],
        },
      ];
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < b.rows.length; i += 10) {
        out.push({
          type: 'section',
          fields: b.rows.slice(i, i + 10).map((r) => ({
            type: 'mrkdwn' as const,
            text: `*${escapeMrkdwn(r.key)}*\n${escapeMrkdwn(r.value) || ' '}`.slice(0, 1990),
          })),
        });
      }
      return out;
    }
    case 'table':
      if (b.rows.length === 0) return [{ type: 'context', elements: [{ type: 'mrkdwn', text: '_(none)_' }] }];
      return chunk(formatTable(b.columns, b.rows), SECTION_LIMIT - 8).map((t) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `\`\`\`${escapeMrkdwn(t)}\`\`\`` },
      }));
  }
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function renderSlack(reply: Reply): SlackMessage {
  const blocks: KnownBlock[] = [];
  const title = reply.title ? `${TONE_MARK[reply.tone ?? 'info']}${reply.title}` : '';
  if (title)
    blocks.push({ type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } });
  for (const b of reply.blocks) blocks.push(...kit(b));
  let n = 0;
  for (const row of reply.buttons ?? []) {
    if (row.length === 0) continue;
    blocks.push({
      type: 'actions',
      elements: row.slice(0, 25).map((btn) => ({
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: btn.label.slice(0, 75), emoji: true },
        action_id: `${BUTTON_ACTION_PREFIX}${n++}`,
        value: btn.data,
        ...(btn.style ? { style: btn.style } : {}),
      })),
    });
  }
  // Keep the buttons (at the end) if there are too many blocks: drop middle content instead.
  const trimmed =
    blocks.length > MAX_BLOCKS ? [...blocks.slice(0, MAX_BLOCKS - 6), ...blocks.slice(-5)] : blocks;
  const fallback = [title, ...reply.blocks.map(blockPlain)].filter(Boolean).join('\n').slice(0, 3000);
  return { text: fallback || ' ', blocks: trimmed };
}
