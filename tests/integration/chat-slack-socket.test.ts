// The real Bolt app in Socket Mode (an app token given, as the chat gateway does with SLACK_APP_TOKEN):
// apps.connections.open and the Web API go to the local emulator, envelopes arrive over the emulated
// Socket Mode WebSocket (tests/helpers/slack-socket-emulator.ts) and the client's acks are recorded.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Gateway } from '../../src/chat/build.js';
import { SlackAdapter } from '../../src/chat/slack/index.js';
import type { TestEngine } from '../helpers/engine.js';
import { headerOf, startSlackEngine } from '../helpers/slack-engine.js';
import { approvals, auditLog } from '../../src/db/schema/index.js';
import { buttonForm, SlackEmulator, slashForm } from '../helpers/slack-emulator.js';
import { SlackSocketEmulator } from '../helpers/slack-socket-emulator.js';

const APP_TOKEN = 'xapp-1-A1-socket';

let slack: SlackEmulator;
let socket: SlackSocketEmulator;
let t: TestEngine;
let gw: Gateway;
let app: SlackAdapter;

beforeAll(async () => {
  slack = await new SlackEmulator('xoxb-test').start();
  socket = await new SlackSocketEmulator(slack, APP_TOKEN).start();
  ({ t, gw } = await startSlackEngine([
    { userId: 'U12', role: 'trader' },
    { userId: 'U13', role: 'approver', scope: 'T1' },
    { userId: 'U14', role: 'admin' },
  ]));
  // No signing secret and no port: Socket Mode needs neither (as in the gateway with SLACK_APP_TOKEN).
  app = new SlackAdapter({ token: 'xoxb-test', appToken: APP_TOKEN, apiUrl: slack.apiUrl, core: gw.core });
  gw.sinks.push(app);
  expect(await app.start()).toBeUndefined();
});

afterAll(async () => {
  await app?.stop();
  await socket?.stop();
  await slack?.stop();
  await t?.close();
});

describe('slack adapter (Socket Mode)', () => {
  it('opens the socket with the app token, then acks a /bosun status envelope and posts the status', async () => {
    await socket.waitConnected(1);
    const open = slack.callsOf('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.auth).toBe(`Bearer ${APP_TOKEN}`);

    const t0 = Date.now();
    const env = socket.slash(
      slashForm({ user: 'U14', text: 'status', responseUrl: slack.responseUrl('s1') }),
    );
    const ack = await socket.waitAck(env);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(ack.payload).toEqual({});
    const post = await slack.waitFor('chat.postMessage', (c) => c.params.channel === 'C1');
    expect(post.auth).toBe('Bearer xoxb-test');
    const msg = [...slack.messages.values()].find((m) => m.channel === 'C1');
    expect(headerOf(msg?.blocks ?? [])).toBe('Status: ACTIVE');
    expect(JSON.stringify(msg?.blocks)).toContain('*Mode*\\npaper (sim)');
    expect(socket.stray).toEqual([]);
  });

  it('acks but refuses an unknown user privately, and audits the refusal', async () => {
    const env = socket.slash(
      slashForm({ user: 'U999', text: 'balance', responseUrl: slack.responseUrl('u1') }),
    );
    await socket.waitAck(env);
    const resp = await slack.waitFor('response_url', (c) =>
      JSON.stringify(c.params).includes('Not authorised'),
    );
    expect(resp.params.response_type).toBe('ephemeral');
    await vi.waitFor(async () => {
      const rows = await t.db.db.select().from(auditLog).where(eq(auditLog.outcome, 'denied'));
      expect(rows.map((x) => x.actor)).toEqual(['slack:U999']);
      expect(rows[0]).toMatchObject({ platform: 'slack', chatId: 'C1', detail: 'not on the allow-list' });
      expect(rows[0]?.args).toMatchObject({ raw: 'balance', via: 'text' });
    });
  });

  it('an approval button press arrives as an interactive envelope, is acked and approves the trade', async () => {
    const buy = socket.slash(
      slashForm({ user: 'U12', text: 'buy BTCUSDT 0.01', responseUrl: slack.responseUrl('b1') }),
    );
    await socket.waitAck(buy);
    await slack.waitFor('chat.postMessage', (c) => String(c.params.text).includes('Awaiting approval'));
    const [ap] = await t.db.db.select().from(approvals);
    expect(ap?.status).toBe('pending');
    const id = ap?.id ?? 0;
    await gw.board.post(id);
    const req = [...slack.messages.values()].find((m) => m.channel === 'CALERTS');
    expect(headerOf(req?.blocks ?? [])).toBe(`⚠️ Approval #${id}: BUY BTCUSDT`);

    const press = socket.interact(
      buttonForm({
        user: 'U13',
        channel: 'CALERTS',
        messageTs: req?.ts ?? '',
        value: `ap:${id}:a`,
        responseUrl: slack.responseUrl('p1'),
      }),
    );
    expect((await socket.waitAck(press)).payload).toEqual({});
    await vi.waitFor(() => {
      const m = slack.messages.get(`CALERTS:${req?.ts}`);
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

  it('answers a direct message delivered as an events_api envelope', async () => {
    const env = socket.deliver('events_api', {
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
    await socket.waitAck(env);
    await slack.waitFor('chat.postMessage', (c) => c.params.channel === 'D14');
    const m = [...slack.messages.values()].find((x) => x.channel === 'D14');
    expect(JSON.stringify(m?.blocks)).toContain('*Role*\\nadmin');
  });

  it('reconnects with a fresh apps.connections.open after the connection drops, then serves commands', async () => {
    socket.drop();
    await socket.waitConnected(2);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(2);
    const env = socket.slash(
      slashForm({ user: 'U14', channel: 'C2', text: 'status', responseUrl: slack.responseUrl('r1') }),
    );
    await socket.waitAck(env);
    await slack.waitFor('chat.postMessage', (c) => c.params.channel === 'C2');
    const msg = [...slack.messages.values()].find((m) => m.channel === 'C2');
    expect(headerOf(msg?.blocks ?? [])).toBe('Status: ACTIVE');
  });

  it('on stop, closes the socket first (a late envelope stays unacked) and finishes the command in flight', async () => {
    // A 429 with Retry-After: 1 keeps the status reply in flight for about a second.
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const first = socket.slash(
      slashForm({ user: 'U14', channel: 'C3', text: 'status', responseUrl: slack.responseUrl('x1') }),
    );
    await socket.waitAck(first);
    await slack.waitFor('chat.postMessage', (c) => c.params.channel === 'C3');
    const stopped = app.stop();
    const late = socket.slash(
      slashForm({ user: 'U14', channel: 'C4', text: 'status', responseUrl: slack.responseUrl('x2') }),
    );
    await stopped;
    expect([...slack.messages.values()].filter((m) => m.channel === 'C3')).toHaveLength(1);
    await socket.waitClosed();
    expect(socket.closes.at(-1)).toBe(1000);
    await new Promise((r) => setTimeout(r, 300));
    expect(socket.acks.some((a) => a.envelope_id === late)).toBe(false);
    expect(slack.callsOf('chat.postMessage').some((c) => c.params.channel === 'C4')).toBe(false);
  });
});
