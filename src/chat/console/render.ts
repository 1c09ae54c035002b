// Reply → plain terminal text: title line, blocks, and buttons as numbered choices ([1] Approve).
import { blockPlain } from '../core/text-table.js';
import type { Button, Reply, Tone } from '../core/reply.js';

const TONE_MARK: Record<Tone, string> = {
  info: '',
  ok: '[ok] ',
  warn: '[!] ',
  error: '[error] ',
  denied: '[denied] ',
};

/** `showData`: print each button's callback data, for messages whose buttons are pressed by typing it. */
export function renderPlain(
  reply: Reply,
  buttonOffset = 0,
  showData = false,
): { text: string; buttons: Button[] } {
  const lines: string[] = [];
  if (reply.title) lines.push(`== ${TONE_MARK[reply.tone ?? 'info']}${reply.title} ==`);
  for (const b of reply.blocks) lines.push(blockPlain(b));
  if (reply.image)
    lines.push(
      `(image ${reply.image.filename}, ${reply.image.png.length} bytes${reply.image.caption ? `: ${reply.image.caption}` : ''})`,
    );
  if (reply.file)
    lines.push(
      `(file ${reply.file.filename}, ${reply.file.data.length} bytes${reply.file.caption ? `: ${reply.file.caption}` : ''})`,
    );
  const buttons = (reply.buttons ?? []).flat();
  if (buttons.length) {
    lines.push(
      showData
        ? buttons.map((b) => `[${b.label}: type ${b.data}]`).join('  ')
        : buttons.map((b, i) => `[${buttonOffset + i + 1}] ${b.label}`).join('  '),
    );
  }
  return { text: lines.join('\n'), buttons };
}
