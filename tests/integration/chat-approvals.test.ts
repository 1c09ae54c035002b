// Approval quorum across platforms with the real trading services: one trade needs two approvers; one
// approves from Telegram, one from Slack; every posted copy follows the votes; a third press changes
// nothing; an expired approval cannot be approved and its messages say it expired.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { buildGateway, type Gateway } from '../../src/chat/build.js';
import { SlackAdapter } from '../../src/chat/slack/index.js';
import { TelegramAdapter } from '../../src/chat/telegram/index.js';
import { upsertChatUser } from '../../src/db/repos/chat-users.js';
import { approvals, approvalVotes, intents } from '../../src/db/schema/index.js';
import { systemClock } from '../../src/domain/clock.js';
import { expireApprovals } from '../../src/engine/approvals.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { buttonForm, postSigned, SlackEmulator } from '../helpers/slack-emulator.js';
import { TelegramEmulator } from '../helpers/telegram-emulator.js';

const SECRET = 'slack-signing-secret';
const TOKEN = '42:approvals';
const GROUP = '-2001';
const CHANNEL = 'CAPPROVE';

let tg: TelegramEmulator;
let slack: SlackEmulator;
let t: TestEngine;
let gw: Gateway;
let tgBot: TelegramAdapter;
let slackApp: SlackAdapter;
let events: string;

const tgText = (msgId: string) => tg.messages.get(`${GROUP}:${msgId}`)?.text ?? '';
const slackText = (ts: string) => JSON.stringify(slack.messages.get(`${CHANNEL}:${ts}`)?.blocks ?? []);

async function requestTrade(qty: string): Promise<{ id: number; tgMsg: string; slackTs: string }> {
  const r = await gw.core.handle({
    platform: 'telegram',
    userId: '12',
    chatId: GROUP,
    scope: GROUP,
    text: `/buy BTCUSDT ${qty}`,
  });
  expect(r.replies[0]?.title).toMatch(/^Awaiting approval/);
  const [row] = await t.db.db.select().from(approvals).orderBy(desc(approvals.id)).limit(1);
  const id = row?.id ?? 0;
  const refs = await gw.board.post(id);
  expect(refs.map((x) => x.platform).sort()).toEqual(['slack', 'telegram']);
  return {
    id,
    tgMsg: refs.find((x) => x.platform === 'telegram')?.messageId ?? '',
    slackTs: refs.find((x) => x.platform === 'slack')?.messageId ?? '',
  };
}

function slackPress(user: string, ts: string, value: string) {
  return postSigned(
    events,
    SECRET,
    buttonForm({ user, channel: CHANNEL, messageTs: ts, value, responseUrl: slack.responseUrl(`r-${user}`) }),
  );
}

beforeAll(async () => {
  tg = await new TelegramEmulator(TOKEN).start();
  slack = await new SlackEmulator('xoxb-test').start();
  t = await startTestEngine({
    config: { approvals: { mode: 'manual', quorum: 2, quorumAboveNotional: '1' } },
  });
  t.sim.market.setPrice('BTCUSDT', '50000');
  await upsertChatUser(t.db.db, { platform: 'telegram', userId: '12', role: 'trader' });
  await upsertChatUser(t.db.db, { platform: 'telegram', userId: '13', role: 'approver' });
  await upsertChatUser(t.db.db, { platform: 'telegram', userId: '15', role: 'approver' });
  await upsertChatUser(t.db.db, { platform: 'slack', userId: 'U13', role: 'approver' });
  gw = buildGateway({
    db: t.db.db,
    clock: systemClock,
    config: t.deps.config,
    info: { mode: 'paper', exchangeEnv: 'sim', version: 'test', startedAt: Date.now() },
    services: createTradingServices(t.deps),
    chats: { telegram: GROUP, slack: CHANNEL },
  });
  tgBot = new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core });
  slackApp = new SlackAdapter({
    token: 'xoxb-test',
    signingSecret: SECRET,
    apiUrl: slack.apiUrl,
    port: 0,
    core: gw.core,
  });
  gw.sinks.push(tgBot, slackApp);
  await tgBot.start();
  events = `http://127.0.0.1:${await slackApp.start()}/slack/events`;
});

afterAll(async () => {
  await tgBot?.stop();
  await slackApp?.stop();
  await tg?.stop();
  await slack?.stop();
  await t?.close();
});

describe('approval quorum across Telegram and Slack', () => {
  it('needs two approvers; both copies follow the votes; a third press is ignored', async () => {
    const { id, tgMsg, slackTs } = await requestTrade('0.01');
    expect(tgText(tgMsg)).toMatch(/Votes 0\/2/);
    expect(slackText(slackTs)).toMatch(/Votes 0\/2/);

    await tg.pressButton({ id: 13 }, Number(tgMsg), GROUP, `ap:${id}:a`);
    await vi.waitFor(() => {
      expect(tgText(tgMsg)).toMatch(/Votes 1\/2 \(telegram:13\)/);
      expect(slackText(slackTs)).toMatch(/Votes 1\/2 \(telegram:13\)/);
    });
    const [mid] = await t.db.db.select().from(approvals).where(eq(approvals.id, id));
    expect(mid?.status).toBe('pending');

    expect((await slackPress('U13', slackTs, `ap:${id}:a`)).status).toBe(200);
    await vi.waitFor(() => {
      expect(tgText(tgMsg)).toMatch(/APPROVED/);
      expect(slackText(slackTs)).toMatch(/APPROVED/);
      expect(tgText(tgMsg)).toMatch(/Approved by telegram:13, slack:U13/);
    });

    await tg.pressButton({ id: 15 }, Number(tgMsg), GROUP, `ap:${id}:a`);
    const toast = await tg.waitFor('answerCallbackQuery', (c) =>
      /already approved/.test(String(c.params.text ?? '')),
    );
    expect(String(toast.params.text)).toMatch(/Vote not counted/);
    const votes = await t.db.db.select().from(approvalVotes).where(eq(approvalVotes.approvalId, id));
    expect(votes.map((v) => `${v.platform}:${v.userId}`).sort()).toEqual(['slack:U13', 'telegram:13']);
    const [ap] = await t.db.db.select().from(approvals).where(eq(approvals.id, id));
    expect(ap?.status).toBe('approved');
    await vi.waitFor(
      () => expect(t.sim.state.orders().filter((o) => o.symbol === 'BTCUSDT')).toHaveLength(1),
      { timeout: 5000 },
    );
  });

  it('an expired approval cannot be approved, and every copy says it expired', async () => {
    const { id, tgMsg, slackTs } = await requestTrade('0.02');
    await t.db.db
      .update(approvals)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(approvals.id, id));
    expect((await slackPress('U13', slackTs, `ap:${id}:a`)).status).toBe(200);
    const toast = await slack.waitFor('response_url', (c) => /expired/.test(String(c.params.text ?? '')));
    expect(String(toast.params.text)).toMatch(/Vote not counted on #\d+/);
    await vi.waitFor(() => {
      expect(tgText(tgMsg)).toMatch(/EXPIRED/);
      expect(slackText(slackTs)).toMatch(/EXPIRED/);
    });
    const [ap] = await t.db.db.select().from(approvals).where(eq(approvals.id, id));
    expect(ap?.status).toBe('expired');
    const [intent] = await t.db.db
      .select()
      .from(intents)
      .where(eq(intents.id, ap?.intentId ?? 0));
    expect(intent?.status).toBe('expired');
    expect(t.sim.state.orders()).toHaveLength(1);
  });

  it('approvals that expire unanswered are edited once by the sweeper', async () => {
    // The approval expired in the previous test is swept first (its messages are already correct).
    await gw.board.sweepExpired();
    const { id, tgMsg, slackTs } = await requestTrade('0.03');
    await t.db.db
      .update(approvals)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(approvals.id, id));
    expect(await expireApprovals(t.deps)).toBe(1);
    expect(await gw.board.sweepExpired()).toBe(1);
    expect(tgText(tgMsg)).toMatch(/EXPIRED/);
    expect(slackText(slackTs)).toMatch(/EXPIRED/);
    const edits = tg.messages.get(`${GROUP}:${tgMsg}`)?.edits;
    expect(await gw.board.sweepExpired()).toBe(0);
    expect(tg.messages.get(`${GROUP}:${tgMsg}`)?.edits).toBe(edits);
  });

  it('an expiry the engine reports (its alert refreshes the copies) is not edited again by the sweeper', async () => {
    await gw.board.sweepExpired();
    const { id, tgMsg, slackTs } = await requestTrade('0.04');
    const before = tg.messages.get(`${GROUP}:${tgMsg}`)?.edits ?? 0;
    await t.db.db
      .update(approvals)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(approvals.id, id));
    expect(await expireApprovals(t.deps)).toBe(1);
    // What send-alert does with the engine's approval-decided alert.
    await gw.board.refresh(id);
    expect(tgText(tgMsg)).toMatch(/EXPIRED/);
    expect(slackText(slackTs)).toMatch(/EXPIRED/);
    expect(await gw.board.sweepExpired()).toBe(0);
    await gw.board.refresh(id);
    expect(tg.messages.get(`${GROUP}:${tgMsg}`)?.edits).toBe(before + 1);
  });
});
