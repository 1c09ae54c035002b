// The dashboard in a real headless Chromium (Debian's, driven by playwright-core) against the whole
// stack: sign in with the link the chat emulator got from /web, approve a trade with the button, watch
// the positions table change by itself after a fill approved in chat, run a backtest and see its chart.
// Screenshots go to tests/.tmp/web-screens/ (git-ignored); the overview also to /tmp/bosun-overview.png.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as snapshot from '../../jobs/snapshot-equity.js';
import { ALERT_CHAT, loginLinkFromChat, registerClose, startWebStack, type WebStack } from './stack.js';

const SCREENS = new URL('../.tmp/web-screens/', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ADMIN = 31;
const TRADER = 32;
const APPROVER = 33;

let s: WebStack | undefined;
let profile: string;
let ctx: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
registerClose(() => s);

function stack(): WebStack {
  if (!s) throw new Error('stack not started');
  return s;
}

async function chat(userId: number, text: string) {
  return stack().chat.gateway.core.handle({
    platform: 'telegram',
    userId: String(userId),
    chatId: ALERT_CHAT,
    scope: ALERT_CHAT,
    text,
  });
}

async function newestApproval(): Promise<number> {
  const r = await fetch(`${stack().base}/api/v1/approvals`, { headers: { cookie: await cookieHeader() } });
  const list = ((await r.json()) as { approvals: { id: number }[] }).approvals;
  return Math.max(...list.map((a) => a.id));
}

async function cookieHeader(): Promise<string> {
  return (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

async function shot(name: string): Promise<string> {
  const path = join(SCREENS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} missing: .ci/run installs Debian's chromium`).toBe(true);
  await mkdir(SCREENS, { recursive: true });
  s = await startWebStack({
    name: 'web-browser',
    users: [
      { id: ADMIN, role: 'admin' },
      { id: TRADER, role: 'trader' },
      { id: APPROVER, role: 'approver' },
    ],
    config: { approvals: { mode: 'manual', quorum: 1 } },
  });
  profile = await mkdtemp(join(tmpdir(), 'bosun-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 860 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('the dashboard in Chromium', () => {
  it('signs in with the link /web gave in chat and shows the overview', async () => {
    const link = await loginLinkFromChat(stack(), ADMIN);
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/#overview$/);
    await expect
      .poll(() => page.getByTestId('trading-state').textContent(), { timeout: 10_000 })
      .toBe('ACTIVE');
    expect(await page.getByTestId('equity').textContent()).toMatch(/USDT/);
    expect(await page.locator('#who').textContent()).toMatch(/admin/);
    // The link was used up: opening it again does not sign anyone in.
    const other = await ctx.newPage();
    await other.goto(link);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => other.locator('#msg').textContent()).toMatch(/already used or has expired/);
    await other.close();
  }, 60_000);

  it('approves a trade with the button; the position appears after the fill', async () => {
    expect((await chat(TRADER, '/buy BTCUSDT 0.01')).replies[0]?.title).toMatch(/^Awaiting approval/);
    const id = await newestApproval();
    await page.goto(`${stack().base}/#approvals`);
    const approve = page.getByTestId(`approve-${id}`);
    await approve.waitFor({ timeout: 10_000 });
    await shot('approvals');
    await approve.click();
    await expect.poll(() => page.locator('#toast').textContent(), { timeout: 10_000 }).toMatch(/Approved/);
    await page.goto(`${stack().base}/#positions`);
    await expect
      .poll(() => page.getByTestId('positions').locator('tbody tr').first().textContent(), {
        timeout: 15_000,
      })
      .toMatch(/BTCUSDT\s*0\.01/);
  }, 60_000);

  it('updates the positions table by itself (SSE) when a fill approved in chat lands', async () => {
    expect((await chat(TRADER, '/buy BTCUSDT 0.02')).replies[0]?.title).toMatch(/^Awaiting approval/);
    const id = await newestApproval();
    const voted = await chat(APPROVER, `/approve ${id}`);
    expect(voted.replies[0]?.title).toMatch(/Approved/);
    // No navigation, no reload: the page hears about the change and fetches the positions again.
    await expect
      .poll(() => page.getByTestId('positions').locator('tbody tr').first().textContent(), {
        timeout: 15_000,
      })
      .toMatch(/BTCUSDT\s*0\.03/);
    await shot('positions');
  }, 60_000);

  it('runs a backtest from the form, follows its progress and draws its chart', async () => {
    const res = await fetch(
      `${stack().sim.restUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=1000`,
    );
    const times = ((await res.json()) as { result: { list: string[][] } }).result.list
      .map((k) => Number(k[0]))
      .sort((a, b) => a - b);
    const minute = (t: number) => new Date(t).toISOString().slice(0, 16);
    await page.goto(`${stack().base}/#backtests`);
    const form = page.getByTestId('backtest-form');
    await form.waitFor();
    await form.locator('[name=interval]').fill('1');
    await form.locator('[name=from]').fill(minute(times[0] ?? 0));
    await form.locator('[name=to]').fill(minute(times[times.length - 2] ?? 0));
    await form.locator('[name=params]').fill('fast=5 slow=20');
    await page.getByTestId('run-backtest').click();
    await expect.poll(() => page.locator('#toast').textContent(), { timeout: 10_000 }).toMatch(/queued/);
    const chart = page.getByTestId('backtest-chart');
    await chart.waitFor({ timeout: 30_000 });
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Number(await chart.getAttribute('data-trades'))).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('backtest');
  }, 90_000);

  it('draws the equity and drawdown chart on the overview, and fits a phone', async () => {
    const st = stack();
    // A few minutes of equity as the market moves (the snapshot job, on earlier minutes of its clock).
    const now = Date.now();
    for (let i = 20; i >= 1; i--) {
      st.sim.market.advance(60_000);
      await snapshot.process({ ...st.rt.deps, clock: { now: () => now - i * 60_000 } });
    }
    await page.goto(`${st.base}/#overview`);
    await page.getByTestId('equity-chart').locator('canvas').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    const path = await shot('overview');
    await copyFile(path, '/tmp/bosun-overview.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId('equity-chart').locator('canvas').first().waitFor({ timeout: 10_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('overview-phone');
    await vi.waitFor(() => expect(existsSync('/tmp/bosun-overview.png')).toBe(true));
  }, 60_000);

  it('raised no script error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
