// The real Bolt app in HTTP mode against signed (and forged) requests, with every Web API call going to
// the local emulator (tests/helpers/slack-emulator.ts) through SLACK_API_URL: slash commands, buttons,
// direct messages, chat.postMessage / chat.update / files.uploadV2, and workspace-scoped roles.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Gateway } from '../../src/chat/build.js';
import { SlackAdapter } from '../../src/chat/slack/index.js';
import type { TestEngine } from '../helpers/engine.js';
import { headerOf, startSlackEngine } from '../helpers/slack-engine.js';
import { approvals, auditLog } from '../../src/db/schema/index.js';
import {
  buttonForm,
  postSigned,
  postSignedJson,
  SlackEmulator,
  slashForm,
} from '../helpers/slack-emulator.js';

const SECRET = 'slack-signing-secret';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let slack: SlackEmulator;
let t: TestEngine;
let gw: Gateway;
let app: SlackAdapter;
let events: string;

beforeAll(async () => {
  slack = await new SlackEmulator('xoxb-test').start();
  ({ t, gw } = await startSlackEngine([
    { userId: 'U12', role: 'trader' },
    { userId: 'U13', role: 'approver', scope: 'T1' },
    { userId: 'U14', role: 'admin' },
    { userId: 'U20', role: 'approver', scope: 'T2' },
  ]));
  app = new SlackAdapter({
    token: 'xoxb-test',
    signingSecret: SECRET,
    apiUrl: slack.apiUrl,
    port: 0,
    core: gw.core,
  });
  gw.sinks.push(app);
  const port = await app.start();
  events = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await app?.stop();
  await slack?.stop();
  await t?.close();
});

describe('slack adapter (HTTP mode)', () => {
  it('acknowledges a signed /bosun status at once and posts Block Kit to the channel', async () => {
    const t0 = Date.now();
    const r = await postSigned(
      events,
      SECRET,
      slashForm({ user: 'U14', text: 'status', responseUrl: slack.responseUrl('s1') }),
    );
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(3000);
    const post = await slack.waitFor('chat.postMessage', (c) => c.params.channel === 'C1');
    const msg = [...slack.messages.values()].find((m) => m.channel === 'C1');
    expect(headerOf(msg?.blocks ?? [])).toBe('Status: ACTIVE');
    expect(JSON.stringify(msg?.blocks)).toContain('*Mode*\\npaper (sim)');
    expect(post.auth).toBe('Bearer xoxb-test');
  });

  it('answers 401 to a forged signature or a stale timestamp, and runs nothing', async () => {
    const before = slack.calls.length;
    const form = slashForm({ user: 'U14', text: 'kill', responseUrl: slack.responseUrl('f1') });
    expect((await postSigned(events, 'not-the-secret', form)).status).toBe(401);
    expect((await postSigned(events, SECRET, form, { ts: Math.floor(Date.now() / 1000) - 600 })).status).toBe(
      401,
    );
    const forgedPress = buttonForm({
      user: 'U14',
      messageTs: '1.1',
      value: 'ap:1:a',
      responseUrl: slack.responseUrl('f2'),
    });
    expect((await postSigned(events, 'not-the-secret', forgedPress)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.length).toBe(before);
    const rows = await t.db.db.select().from(auditLog).where(eq(auditLog.action, 'kill'));
    expect(rows).toHaveLength(0);
  });

  it('refuses an unknown user privately and audits it; a grant for another workspace does not count', async () => {
    const r = await postSigned(
      events,
      SECRET,
      slashForm({ user: 'U999', text: 'balance', responseUrl: slack.responseUrl('u1') }),
    );
    expect(r.status).toBe(200);
    const resp = await slack.waitFor('response_url', (c) =>
      JSON.stringify(c.params).includes('Not authorised'),
    );
    expect(resp.params.response_type).toBe('ephemeral');
    await postSigned(
      events,
      SECRET,
      slashForm({ user: 'U20', team: 'T1', text: 'pending', responseUrl: slack.responseUrl('u2') }),
    );
    await vi.waitFor(async () => {
      const rows = await t.db.db.select().from(auditLog).where(eq(auditLog.outcome, 'denied'));
      expect(rows.map((x) => x.actor).sort()).toEqual(['slack:U20', 'slack:U999']);
    });
  });

  it('a trade awaiting approval is posted with buttons; a signed press approves it and updates the message', async () => {
    await postSigned(
      events,
      SECRET,
      slashForm({ user: 'U12', text: 'buy BTCUSDT 0.01', responseUrl: slack.responseUrl('b1') }),
    );
    await slack.waitFor('chat.postMessage', (c) => String(c.params.text).includes('Awaiting approval'));
    const [ap] = await t.db.db.select().from(approvals);
    expect(ap?.status).toBe('pending');
    const id = ap?.id ?? 0;
    await gw.board.post(id);
    const req = [...slack.messages.values()].find((m) => m.channel === 'CALERTS');
    expect(headerOf(req?.blocks ?? [])).toBe(`⚠️ Approval #${id}: BUY BTCUSDT`);
    const actions = (req?.blocks ?? []).find((b) => (b as { type?: string }).type === 'actions');
    expect(JSON.stringify(actions)).toContain(`"value":"ap:${id}:a"`);

    const press = buttonForm({
      user: 'U13',
      channel: 'CALERTS',
      messageTs: req?.ts ?? '',
      value: `ap:${id}:a`,
      responseUrl: slack.responseUrl('p1'),
    });
    expect((await postSigned(events, SECRET, press)).status).toBe(200);
    await vi.waitFor(() => {
      const m = slack.messages.get(`CALERTS:${req?.ts}`);
      expect(m?.updates).toBeGreaterThanOrEqual(1);
      expect(headerOf(m?.blocks ?? [])).toBe(`✅ Approval #${id}: BUY BTCUSDT: APPROVED`);
      expect((m?.blocks ?? []).some((b) => (b as { type?: string }).type === 'actions')).toBe(false);
    });
    const toast = await slack.waitFor('response_url', (c) =>
      String(c.params.text).includes(`Approved #${id}`),
    );
    expect(toast.params.response_type).toBe('ephemeral');
    const [after] = await t.db.db.select().from(approvals).where(eq(approvals.id, id));
    expect(after?.status).toBe('approved');
    expect(after?.decidedBy).toBe('slack:U13');
  });

  it('uploads an image with files.uploadV2 (get URL → upload → complete)', async () => {
    await app.send('C1', {
      title: 'Equity',
      blocks: [],
      image: { png: PNG, filename: 'equity.png', caption: 'equity curve' },
    });
    const url = await slack.waitFor('files.getUploadURLExternal');
    expect(url.params).toMatchObject({ filename: 'equity.png', length: String(PNG.length) });
    const up = await slack.waitFor('upload');
    expect(up.bytes).toBeGreaterThanOrEqual(PNG.length);
    const done = await slack.waitFor('files.completeUploadExternal');
    expect(done.params.channel_id).toBe('C1');
    expect(String(done.params.files)).toContain('equity curve');
  });

  it('answers a direct message as a command', async () => {
    const r = await postSignedJson(events, SECRET, {
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'message',
        channel_type: 'im',
        channel: 'D14',
        user: 'U14',
        text: 'whoami',
        ts: '1700000001.000001',
      },
    });
    expect(r.status).toBe(200);
    await slack.waitFor('chat.postMessage', (c) => c.params.channel === 'D14');
    const m = [...slack.messages.values()].find((x) => x.channel === 'D14');
    expect(JSON.stringify(m?.blocks)).toContain('*Role*\\nadmin');
  });
});
