// Layout that operators see on a phone: tables fit 40 columns without cutting numbers; Telegram HTML
// is escaped and split under 4096 chars; Slack blocks escape and carry button data; the console numbers
// buttons.
import { describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/chat/console/render.js';
import { fields, note, table, text, type Reply } from '../../src/chat/core/reply.js';
import { formatTable, PHONE_WIDTH } from '../../src/chat/core/text-table.js';
import { renderSlack } from '../../src/chat/slack/render.js';
import { renderTelegram } from '../../src/chat/telegram/render.js';

describe('formatTable', () => {
  it('fits a phone screen by shortening text columns, never numbers', () => {
    const out = formatTable(
      [{ header: 'Strategy' }, { header: 'Symbol' }, { header: 'uPnL' }, { header: 'Size' }],
      [
        ['a-very-long-strategy-instance-name', 'BTCUSDT', '+12345.67', '-0.123456'],
        ['short', 'ETHUSDT', '-3.10', '2'],
      ],
    );
    for (const line of out.split('\n')) expect([...line].length).toBeLessThanOrEqual(PHONE_WIDTH);
    expect(out).toContain('+12345.67');
    expect(out).toContain('-0.123456');
    expect(out).toContain('…');
  });

  it('right-aligns numeric columns', () => {
    const out = formatTable(
      [{ header: 'Sym' }, { header: 'Qty' }],
      [
        ['A', '1.5'],
        ['B', '100'],
      ],
    );
    const lines = out.split('\n');
    expect(lines[1]?.endsWith('1.5')).toBe(true);
    expect(lines[2]?.endsWith('100')).toBe(true);
    expect(lines[1]?.length).toBe(lines[2]?.length);
  });
});

const sample: Reply = {
  title: 'Positions <2>',
  tone: 'warn',
  blocks: [
    text('a < b & c > d'),
    fields([['Key & co', '<value>']]),
    table(['Sym', 'Qty'], [['BTC<', '1']]),
    note('n'),
  ],
  buttons: [
    [
      { label: 'Approve', data: 'ap:1:a' },
      { label: 'Reject', data: 'ap:1:r', style: 'danger' },
    ],
  ],
};

describe('renderTelegram', () => {
  it('escapes HTML, bolds the title and puts tables in <pre>', () => {
    const [m] = renderTelegram(sample);
    expect(m?.html).toContain('<b>⚠️ Positions &lt;2&gt;</b>');
    expect(m?.html).toContain('a &lt; b &amp; c &gt; d');
    expect(m?.html).toContain('<b>Key &amp; co:</b> &lt;value&gt;');
    expect(m?.html).toMatch(/<pre>Sym +Qty\nBTC&lt; +1<\/pre>/);
    expect(m?.keyboard).toEqual({
      inline_keyboard: [
        [
          { text: 'Approve', callback_data: 'ap:1:a' },
          { text: 'Reject', callback_data: 'ap:1:r' },
        ],
      ],
    });
  });

  it('splits long replies under the limit with the buttons on the last part', () => {
    const long: Reply = {
      title: 'Big',
      blocks: [text(Array.from({ length: 900 }, (_, i) => `line ${i} & more`).join('\n'))],
      buttons: [[{ label: 'Refresh', data: 'rf:status' }]],
    };
    const parts = renderTelegram(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.html.length).toBeLessThanOrEqual(4096);
    expect(parts.at(-1)?.keyboard).toBeDefined();
    expect(parts.slice(0, -1).every((p) => p.keyboard === undefined)).toBe(true);
    expect(parts.map((p) => p.html).join('\n')).toContain('line 899 &amp; more');
  });
});

describe('renderSlack', () => {
  it('builds escaped Block Kit with button values carrying the callback data', () => {
    const m = renderSlack(sample);
    const json = JSON.stringify(m.blocks);
    expect(m.blocks[0]).toMatchObject({ type: 'header' });
    expect(json).toContain('a &lt; b &amp; c &gt; d');
    expect(json).toContain('```Sym');
    const actions = m.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [
        { type: 'button', value: 'ap:1:a', action_id: 'bosun_btn_0' },
        { type: 'button', value: 'ap:1:r', style: 'danger', action_id: 'bosun_btn_1' },
      ],
    });
    expect(m.text).toContain('Positions <2>');
  });
});

describe('renderPlain', () => {
  it('prints buttons as numbered choices', () => {
    const out = renderPlain(sample);
    expect(out.text).toContain('== [!] Positions <2> ==');
    expect(out.text).toContain('[1] Approve  [2] Reject');
    expect(out.buttons.map((b) => b.data)).toEqual(['ap:1:a', 'ap:1:r']);
  });
});
