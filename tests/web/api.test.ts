// The REST API on the real stack (Postgres, Redis + BullMQ, the simulator, telegraf on the Telegram
// emulator): deny by default on every route, sign-in by one-time chat link, CSRF on cookie sessions,
// the chat roles on every route, tokens from the CLI (revocable), a quorum reached by a chat vote and a
// web vote, audited web actions, backtests with their chart, rate limits, and a valid OpenAPI document.
import { Validator } from '@seriousme/openapi-schema-validator';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runTokensCli } from '../../src/cli/tokens.js';
import { rows } from '../../src/db/rows.js';
import { webLoginLinks } from '../../src/db/schema/index.js';
import { loadEnv } from '../../src/platform/env.js';
import { WebClient, type Caller } from './client.js';
import { ALERT_CHAT, loginLinkFromChat, registerClose, startWebStack, type WebStack } from './stack.js';

const TRADER = 11;
const APPROVER_A = 12;
const APPROVER_B = 13;
const ADMIN = 14;
const VIEWER = 15;

let s: WebStack | undefined;
let c: WebClient;
const tokens: Record<string, string> = {};
registerClose(() => s);

function stack(): WebStack {
  if (!s) throw new Error('stack not started');
  return s;
}

async function tokensCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (x: string) => ((out += x), true) },
    stderr: { write: (x: string) => ((err += x), true) },
  } as unknown as Parameters<typeof runTokensCli>[1];
  const code = await runTokensCli(args, io, loadEnv({ DATABASE_URL: stack().db.url }));
  return { code, out, err };
}

/** The simulator's replayed history (the file's times, or moved to end now): the last 1,000 minutes. */
async function simHistory(): Promise<{ from: string; to: string }> {
  const res = await fetch(
    `${stack().sim.restUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=1000`,
  );
  const list = ((await res.json()) as { result: { list: string[][] } }).result.list;
  const times = list.map((k) => Number(k[0])).sort((a, b) => a - b);
  const minute = (t: number) => new Date(t).toISOString().slice(0, 16);
  return { from: minute(times[0] ?? 0), to: minute(times[times.length - 2] ?? 0) };
}

async function session(userId: number): Promise<Caller> {
  return c.signIn(await loginLinkFromChat(stack(), userId));
}

/** A trade asked for in chat by the trader, waiting for two approvals; returns the approval id. */
async function chatTrade(by: number, qty: string): Promise<number> {
  const st = stack();
  const r = await st.chat.gateway.core.handle({
    platform: 'telegram',
    userId: String(by),
    chatId: ALERT_CHAT,
    scope: ALERT_CHAT,
    text: `/buy BTCUSDT ${qty}`,
  });
  expect(r.replies[0]?.title).toMatch(/^Awaiting approval/);
  const [row] = rows<{ id: number }>(await st.db.db.execute(sql`select max(id)::int as id from approvals`));
  return Number(row?.id ?? 0);
}

beforeAll(async () => {
  s = await startWebStack({
    name: 'web-api',
    users: [
      { id: TRADER, role: 'trader' },
      { id: APPROVER_A, role: 'approver' },
      { id: APPROVER_B, role: 'approver' },
      { id: ADMIN, role: 'admin' },
      { id: VIEWER, role: 'viewer' },
    ],
    config: { approvals: { mode: 'manual', quorum: 2, quorumAboveNotional: '1' } },
  });
  c = new WebClient(s.base);
  for (const role of ['viewer', 'trader', 'approver', 'admin']) {
    const r = await tokensCli(['create', '--name', `t-${role}`, '--role', role]);
    expect(r.code).toBe(0);
    tokens[role] = r.out.trim();
  }
}, 90_000);

describe('OpenAPI and deny by default', () => {
  it('serves an OpenAPI 3.1 document that a validator accepts, naming every route', async () => {
    const r = await c.get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const v = new Validator();
    const res = await v.validate(r.body as Parameters<Validator['validate']>[0]);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    const paths = Object.keys((r.body as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/v1/status',
      '/api/v1/positions',
      '/api/v1/approvals/{id}/approve',
      '/api/v1/risk/{key}',
      '/api/v1/backtests/{id}/chart',
      '/api/v1/audit/verify',
      '/api/v1/export/trades',
    ])
      expect(paths).toContain(p);
  });

  it('refuses every route of the document without credentials (401), except signing in', async () => {
    const doc = (await c.get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace('{id}', '1').replace('{key}', 'maxLeverage');
        const body = method === 'get' || method === 'delete' ? undefined : {};
        const r = await c.call(method.toUpperCase(), url, {}, body);
        if (path === '/api/v1/session' && method === 'post') expect(r.status).toBe(400);
        else expect(r.status, `${method} ${path}`).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(24);
    expect((await c.get('/api/v1/nothing-here', { token: tokens.admin })).status).toBe(404);
  });

  it('keeps /healthz, /readyz and /metrics on the same port', async () => {
    expect((await c.get('/healthz')).status).toBe(200);
    expect((await c.get('/readyz')).status).toBe(200);
    const m = await c.get('/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/bosun_/);
  });
});

describe('sign-in from chat', () => {
  it('a /web link opens one httpOnly SameSite=Strict session bound to that identity, once', async () => {
    const link = await loginLinkFromChat(stack(), VIEWER);
    // The page itself (what a link preview fetches) does not use the link up.
    expect((await c.get('/login')).status).toBe(200);
    const who = await c.signIn(link);
    expect(who.setCookie).toMatch(/HttpOnly/);
    expect(who.setCookie).toMatch(/SameSite=Strict/);
    const me = await c.get('/api/v1/session', who);
    expect(me.body).toMatchObject({ identity: `telegram:${VIEWER}`, role: 'viewer', kind: 'session' });
    const again = await c.post('/api/v1/session', {}, { link: link.split('#')[1] });
    expect(again.status).toBe(401);
  });

  it('refuses an expired link', async () => {
    const link = await loginLinkFromChat(stack(), VIEWER);
    await stack()
      .db.db.update(webLoginLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) });
    const r = await c.post('/api/v1/session', {}, { link: link.split('#')[1] });
    expect(r.status).toBe(401);
    expect((r.body as { message: string }).message).toMatch(/expired/);
  });

  it('refuses /web in a group chat, where others could open the link', async () => {
    const st = stack();
    const r = await st.chat.gateway.core.handle({
      platform: 'telegram',
      userId: String(VIEWER),
      chatId: ALERT_CHAT,
      scope: ALERT_CHAT,
      text: '/web',
    });
    expect(r.replies[0]?.title).toBe('Ask me privately');
    expect(JSON.stringify(r.replies)).not.toMatch(/bsl_/);
  });

  it('follows the chat allow-list: a removed user is signed out at once', async () => {
    const st = stack();
    await st.db.db.execute(
      sql`insert into chat_users (platform, user_id, scope, role) values ('telegram', '16', '*', 'viewer')`,
    );
    const who = await session(16);
    expect((await c.get('/api/v1/status', who)).status).toBe(200);
    await st.db.db.execute(sql`delete from chat_users where user_id = '16'`);
    expect((await c.get('/api/v1/status', who)).status).toBe(401);
  });
});

describe('CSRF on cookie sessions', () => {
  it('refuses a mutating call without the token or with a forged one; accepts the real one', async () => {
    const who = await session(TRADER);
    const noCsrf = await c.post('/api/v1/strategies/all/pause', { cookie: who.cookie });
    expect(noCsrf.status).toBe(403);
    expect((noCsrf.body as { error: string }).error).toBe('csrf');
    const forged = await c.post('/api/v1/strategies/all/pause', { cookie: who.cookie, csrf: 'A'.repeat(43) });
    expect(forged.status).toBe(403);
    const ok = await c.post('/api/v1/strategies/all/pause', who);
    expect(ok.status).toBe(200);
    // Tokens are not cookies: no CSRF token needed.
    expect((await c.post('/api/v1/strategies/all/resume', { token: tokens.trader })).status).toBe(200);
  });
});

describe('roles as in chat', () => {
  it('viewer reads but cannot approve, pause, set risk, backtest or export', async () => {
    const v = { token: tokens.viewer };
    for (const p of [
      '/api/v1/status',
      '/api/v1/balance',
      '/api/v1/positions',
      '/api/v1/orders',
      '/api/v1/trades',
      '/api/v1/pnl?period=week',
      '/api/v1/performance?span=month',
      '/api/v1/equity',
      '/api/v1/strategies',
      '/api/v1/approvals',
      '/api/v1/risk',
      '/api/v1/session',
    ])
      expect((await c.get(p, v)).status, p).toBe(200);
    expect((await c.post('/api/v1/approvals/1/approve', v)).status).toBe(403);
    expect((await c.post('/api/v1/strategies/all/pause', v)).status).toBe(403);
    expect((await c.call('PUT', '/api/v1/risk/maxLeverage', v, { value: '2' })).status).toBe(403);
    expect((await c.get('/api/v1/backtests', v)).status).toBe(403);
    expect((await c.get('/api/v1/export/trades', v)).status).toBe(403);
    expect((await c.get('/api/v1/audit', v)).status).toBe(403);
  });

  it('trader pauses but cannot approve; approver approves but cannot change risk; admin changes risk', async () => {
    expect((await c.post('/api/v1/approvals/999/approve', { token: tokens.trader })).status).toBe(403);
    expect((await c.post('/api/v1/approvals/999/approve', { token: tokens.approver })).status).toBe(404);
    const deny = await c.call('PUT', '/api/v1/risk/maxLeverage', { token: tokens.approver }, { value: '2' });
    expect(deny.status).toBe(403);
    expect((deny.body as { message: string }).message).toMatch(/needs the admin role; you are approver/);
    const bad = await c.call('PUT', '/api/v1/risk/maxLeverage', { token: tokens.admin }, { value: 'lots' });
    expect(bad.status).toBe(400);
    const set = await c.call('PUT', '/api/v1/risk/maxLeverage', { token: tokens.admin }, { value: '2' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ previous: '3', value: '2' });
    const risk = (await c.get('/api/v1/risk', { token: tokens.viewer })).body as {
      limits: { key: string; value: string; overridden: boolean; updatedBy: string | null }[];
    };
    expect(risk.limits.find((l) => l.key === 'maxLeverage')).toMatchObject({
      value: '2',
      overridden: true,
      updatedBy: 'cli:token:t-admin',
    });
    expect((await c.get('/api/v1/audit/verify', { token: tokens.admin })).body).toMatchObject({ ok: true });
    const csv = await c.get('/api/v1/export/trades?format=koinly', { token: tokens.admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.startsWith('"')).toBe(false);
  });

  it('lists tokens without their secrets and refuses a revoked one', async () => {
    const list = await tokensCli(['list', '--json']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/"name":"t-viewer"/);
    for (const t of Object.values(tokens)) expect(list.out).not.toContain(t);
    expect((await c.get('/api/v1/status', { token: tokens.viewer })).status).toBe(200);
    expect((await tokensCli(['revoke', '--name', 't-viewer'])).code).toBe(0);
    expect((await c.get('/api/v1/status', { token: tokens.viewer })).status).toBe(401);
    await expect(tokensCli(['create', '--name', 't-viewer', '--role', 'boss'])).rejects.toThrow(
      /--role "boss"/,
    );
  });
});

describe('approvals across chat and web', () => {
  it('a quorum of two is reached by a Telegram vote and a web vote; the trade fills; positions show it', async () => {
    const st = stack();
    const id = await chatTrade(TRADER, '0.01');
    // The approval request is posted to the alert chat with its buttons.
    const posted = await vi.waitFor(
      () => {
        const m = st.tg
          .chat(ALERT_CHAT)
          .find((x) => JSON.stringify(x.reply_markup ?? '').includes(`ap:${id}:a`));
        if (!m) throw new Error('approval not posted yet');
        return m;
      },
      { timeout: 10_000 },
    );
    await st.tg.pressButton({ id: APPROVER_A }, posted.message_id, ALERT_CHAT, `ap:${id}:a`);
    await vi.waitFor(async () => {
      const list = (await c.get('/api/v1/approvals', { token: tokens.approver })).body as {
        approvals: { id: number; votes: number }[];
      };
      expect(list.approvals.find((a) => a.id === id)?.votes).toBe(1);
    });
    const web = await session(APPROVER_B);
    const viewer = await session(VIEWER);
    expect((await c.post(`/api/v1/approvals/${id}/approve`, viewer)).status).toBe(403);
    const r = await c.post(`/api/v1/approvals/${id}/approve`, web);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome: 'approved', approvalId: id });
    // The chat copy follows the web vote.
    await vi.waitFor(
      () => expect(st.tg.messages.get(`${ALERT_CHAT}:${posted.message_id}`)?.text ?? '').toMatch(/APPROVED/),
      { timeout: 10_000 },
    );
    await vi.waitFor(
      async () => {
        const p = (await c.get('/api/v1/positions', web)).body as {
          positions: { symbol: string; size: string; books: unknown[] }[];
        };
        expect(p.positions.find((x) => x.symbol === 'BTCUSDT')).toMatchObject({ size: '0.01', books: [] });
      },
      { timeout: 15_000 },
    );
    const [row] = rows<{ actor: string; args: Record<string, unknown> }>(
      await st.db.db.execute(
        sql`select actor, args from audit_log where platform = 'web' and action = 'approve' order by id desc limit 1`,
      ),
    );
    expect(row).toMatchObject({ actor: `telegram:${APPROVER_B}`, args: { approvalId: id, via: 'session' } });
  }, 60_000);

  it('the same person cannot vote twice from chat and web; the requester cannot approve their own trade', async () => {
    const st = stack();
    const id = await chatTrade(ADMIN, '0.01');
    const own = await c.post(`/api/v1/approvals/${id}/approve`, await session(ADMIN));
    expect(own.body).toMatchObject({ outcome: 'ignored' });
    expect((own.body as { message: string }).message).toMatch(/you requested this trade/);
    const a = await st.chat.gateway.core.handle({
      platform: 'telegram',
      userId: String(APPROVER_A),
      chatId: ALERT_CHAT,
      scope: ALERT_CHAT,
      text: `/approve ${id}`,
    });
    expect(a.replies[0]?.title).toMatch(/Vote recorded/);
    const twice = await c.post(`/api/v1/approvals/${id}/approve`, await session(APPROVER_A));
    expect(twice.body).toMatchObject({ outcome: 'ignored' });
    expect((twice.body as { message: string }).message).toMatch(/already voted/);
    const rej = await c.post(`/api/v1/approvals/${id}/reject`, { token: tokens.approver });
    expect(rej.body).toMatchObject({ outcome: 'rejected' });
  }, 30_000);
});

describe('backtests', () => {
  it('submits, reports progress, stores the result, and serves a chart that reproduces it', async () => {
    const t = { token: tokens.trader };
    const bad = await c.post('/api/v1/backtests', t, {
      strategy: 'sma-cross',
      symbol: 'BTCUSDT',
      interval: '7',
      from: '2021-12-31',
      to: '2022-01-01',
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toMatch(/interval "7"/);
    const range = await simHistory();
    const r = await c.post('/api/v1/backtests', t, {
      strategy: 'sma-cross',
      symbol: 'BTCUSDT',
      interval: '1',
      ...range,
      params: { fast: 5, slow: 20 },
    });
    expect(r.status).toBe(202);
    const id = (r.body as { id: number }).id;
    const done = await vi.waitFor(
      async () => {
        const run = (await c.get(`/api/v1/backtests/${id}`, t)).body as {
          status: string;
          stats: Record<string, unknown> | null;
          bars: number;
          error: string | null;
        };
        expect(run.error).toBeNull();
        expect(run.status).toBe('done');
        return run;
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(done.bars).toBeGreaterThan(500);
    const chart = (await c.get(`/api/v1/backtests/${id}/chart`, t)).body as {
      candles: unknown[];
      trades: unknown[];
      equity: unknown[];
      equityFinal: string;
    };
    expect(chart.candles).toHaveLength(done.bars);
    expect(chart.equity).toHaveLength(done.bars);
    expect(chart.trades.length).toBeGreaterThan(0);
    expect(chart.trades.length).toBe(done.stats?.trades);
    expect(chart.equityFinal).toBe(done.stats?.equityFinal);
    const png = await fetch(`${stack().base}/api/v1/backtests/${id}/chart.png`, {
      headers: { authorization: `Bearer ${tokens.trader}` },
    });
    expect(png.headers.get('content-type')).toBe('image/png');
  }, 60_000);
});

describe('live updates, rate limits and secrets', () => {
  it('sends a change event when a strategy is paused', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${stack().base}/api/v1/events`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
      signal: ctl.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body?.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) return;
        text += new TextDecoder().decode(value);
        if (/event: change\ndata: .*"approvals"/.test(text)) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    await chatTrade(TRADER, '0.001');
    await Promise.race([read, new Promise((r) => setTimeout(r, 8000))]);
    ctl.abort();
    expect(text).toMatch(/event: change\ndata: .*"approvals"/);
  }, 20_000);

  it('limits each identity to web.rateLimitPerMinute requests a minute', async () => {
    const r = await tokensCli(['create', '--name', 'burst', '--role', 'viewer']);
    const who = { token: r.out.trim() };
    const statuses: number[] = [];
    for (let i = 0; i < 245; i++) statuses.push((await c.get('/api/v1/session', who)).status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(240);
    expect(statuses.at(-1)).toBe(429);
    // Another identity is not held back.
    expect((await c.get('/api/v1/session', { token: tokens.admin })).status).toBe(200);
  }, 30_000);

  it('never returned a secret: tokens, session cookies, link secrets or exchange keys', async () => {
    const all = c.seen.join('\n');
    for (const t of Object.values(tokens)) expect(all).not.toContain(t);
    expect(all).not.toMatch(/bss_[A-Za-z0-9_-]{43}/);
    expect(all).not.toMatch(/bsl_[A-Za-z0-9_-]{43}/);
    expect(all).not.toContain('sim-secret');
    expect(all).not.toMatch(/token_hash|tokenHash/);
  });
});
