// The dashboard: overview, positions and orders, approvals, backtests and the audit log, all read from
// /api/v1 with the visitor's session; buttons send the session's CSRF token; live by Server-Sent Events.
// DOM is built with textContent only, so nothing from the API is ever parsed as HTML.
import type { IChartApi } from 'lightweight-charts';
import { backtestChart, equityChart, type BacktestChartData } from './charts.js';

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;
const ROLES = ['viewer', 'trader', 'approver', 'admin'];

let session: { identity: string; name: string; role: string; csrfToken: string | null } | null = null;
let charts: IChartApi[] = [];
let shownRun: number | null = null;
/** Work to do once a view's nodes are in the page (charts need a laid-out container). */
let mounted: (() => void)[] = [];

function h(tag: string, attrs: Record<string, string> = {}, ...kids: (Node | string | null)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) if (k !== null) el.append(k);
  return el;
}

function can(role: string): boolean {
  return session !== null && ROLES.indexOf(session.role) >= ROLES.indexOf(role);
}

function toast(text: string): void {
  const t = document.getElementById('toast');
  if (!t) return;
  t.textContent = text;
  t.classList.add('show');
  setTimeout(() => t.classList.remove('show'), 3500);
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api<T = Json>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session?.csrfToken) headers['x-csrf-token'] = session.csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const body = (await res.json().catch(() => ({}))) as Json;
  if (!res.ok) throw new ApiError(res.status, String(body.message ?? res.statusText));
  return body as T;
}

const money = (v: unknown, dp = 2): string => {
  if (v === null || v === undefined) return '—';
  const n = Number(v);
  return Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: dp, maximumFractionDigits: dp })
    : String(v);
};
const signed = (v: unknown): HTMLElement => {
  const n = Number(v);
  const cls = !Number.isFinite(n) || n === 0 ? '' : n > 0 ? 'pos' : 'neg';
  return h('span', { class: cls }, v === null || v === undefined ? '—' : `${n > 0 ? '+' : ''}${money(v)}`);
};
const time = (v: unknown): string => (typeof v === 'string' ? v.replace('T', ' ').slice(0, 16) : '—');

function table(heads: string[], rows: (Node | string)[][], testid: string, num: number[] = []): HTMLElement {
  const thead = h('tr', {}, ...heads.map((x, i) => h('th', num.includes(i) ? { class: 'num' } : {}, x)));
  const body = rows.length
    ? rows.map((r) => h('tr', {}, ...r.map((c, i) => h('td', num.includes(i) ? { class: 'num' } : {}, c))))
    : [h('tr', {}, h('td', { colspan: String(heads.length), class: 'muted' }, 'Nothing here.'))];
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { 'data-testid': testid }, h('thead', {}, thead), h('tbody', {}, ...body)),
  );
}

function card(k: string, v: Node | string, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'k' }, k),
    h('div', { class: 'v', 'data-testid': testid }, v),
  );
}

function button(label: string, cls: string, onClick: () => Promise<void>, testid = ''): HTMLElement {
  const b = h(
    'button',
    { class: cls, type: 'button', ...(testid ? { 'data-testid': testid } : {}) },
    label,
  ) as HTMLButtonElement;
  b.addEventListener('click', () => {
    b.disabled = true;
    onClick()
      .catch((e: unknown) => toast(e instanceof Error ? e.message : String(e)))
      .finally(() => (b.disabled = false));
  });
  return b;
}

// ---- views

async function overview(): Promise<HTMLElement[]> {
  const [s, eq, st, perf] = await Promise.all([
    api('/status'),
    api<{ points: { t: string; equity: string }[] }>('/equity?days=30'),
    api<{ strategies: Row[] }>('/strategies'),
    api<{ maxDrawdown: { amount: string; ratio: number | null } | null }>('/performance?span=all'),
  ]);
  const trading = s.trading as { state: string; reason: string | null };
  const today = s.today as { realizedNet: string | null; unrealized: string };
  const dd = perf.maxDrawdown;
  const cards = h(
    'div',
    { class: 'cards' },
    card('Equity', `${money(s.equity)} USDT`, 'equity'),
    card('Today realized', signed(today.realizedNet), 'today-realized'),
    card('Open PnL', signed(today.unrealized), 'today-open'),
    card('Trading', h('span', { class: `state-${trading.state}` }, trading.state), 'trading-state'),
    card(
      'Max drawdown',
      dd ? `${money(dd.amount)}${dd.ratio === null ? '' : ` (${(dd.ratio * 100).toFixed(2)}%)`}` : '—',
      'drawdown',
    ),
    card('Positions', String(s.positions), 'positions-count'),
    card('Approvals', String(s.approvalsPending), 'approvals-count'),
    card('Mode', `${String(s.mode)} (${String(s.exchangeEnv)})`, 'mode'),
  );
  const chartEl = h('div', { class: 'chart', 'data-testid': 'equity-chart' });
  const pts = eq.points.map((p) => ({ t: Date.parse(p.t), v: Number(p.equity) }));
  const strategies = table(
    ['Id', 'Strategy', 'Symbol', 'State', ''],
    st.strategies.map((x) => {
      const id = String(x.id);
      const running = x.state === 'running';
      const act =
        can('trader') && x.state !== 'off'
          ? button(running ? 'Pause' : 'Resume', '', async () => {
              const r = await api<{ message: string }>(`/strategies/${id}/${running ? 'pause' : 'resume'}`, {
                method: 'POST',
              });
              toast(r.message);
              await render();
            })
          : '';
      return [id, String(x.strategy), `${String(x.symbol)} ${String(x.interval)}`, String(x.state), act];
    }),
    'strategies',
  );
  mounted.push(() => {
    if (pts.length) charts.push(equityChart(chartEl, pts));
    else chartEl.append(h('p', { class: 'muted' }, 'No equity snapshots yet.'));
  });
  return [cards, h('h2', {}, 'Equity and drawdown, 30 days'), chartEl, h('h2', {}, 'Strategies'), strategies];
}

async function positions(): Promise<HTMLElement[]> {
  const [p, o] = await Promise.all([
    api<{ positions: Row[]; totalUnrealizedPnl: string }>('/positions'),
    api<{ orders: Row[] }>('/orders'),
  ]);
  return [
    h('h2', {}, `Positions (${p.positions.length}) · uPnL `, signed(p.totalUnrealizedPnl)),
    table(
      ['Symbol', 'Size', 'Entry', 'Mark', 'uPnL', 'Realized'],
      p.positions.map((x) => [
        String(x.symbol),
        String(x.size),
        money(x.avgEntry),
        money(x.markPrice),
        signed(x.unrealizedPnl),
        signed(x.realizedPnl),
      ]),
      'positions',
      [1, 2, 3, 4, 5],
    ),
    h('h2', {}, `Open orders (${o.orders.length})`),
    table(
      ['Symbol', 'Side', 'Qty', 'Price', 'Filled', 'Status'],
      o.orders.map((x) => [
        String(x.symbol),
        String(x.side),
        String(x.qty),
        x.price ? money(x.price) : 'mkt',
        String(x.cumQty),
        String(x.status),
      ]),
      'orders',
      [2, 3, 4],
    ),
  ];
}

async function approvals(): Promise<HTMLElement[]> {
  const a = await api<{ approvals: Row[] }>('/approvals');
  const now = Date.now();
  return [
    h('h2', {}, `Pending approvals (${a.approvals.length})`),
    table(
      ['#', 'Trade', 'Votes', 'Left', 'By', ''],
      a.approvals.map((x) => {
        const id = Number(x.id);
        const qty = x.qty ? String(x.qty) : x.notional ? `$${money(x.notional, 0)}` : '?';
        const left = Math.max(0, Math.round((Date.parse(String(x.expiresAt)) - now) / 1000));
        const vote = (v: 'approve' | 'reject') => async () => {
          const r = await api<{ message: string }>(`/approvals/${id}/${v}`, { method: 'POST' });
          toast(r.message);
          await render();
        };
        const acts = can('approver')
          ? h(
              'span',
              {},
              button('Approve', 'primary', vote('approve'), `approve-${id}`),
              ' ',
              button('Reject', 'danger', vote('reject'), `reject-${id}`),
            )
          : h('span', { class: 'muted' }, 'approvers vote');
        return [
          String(id),
          `${String(x.side)} ${qty} ${String(x.symbol)}`,
          `${String(x.votes)}/${String(x.requiredVotes)}`,
          `${left}s`,
          String(x.requestedBy ?? '—'),
          acts,
        ];
      }),
      'approvals',
    ),
  ];
}

function backtestForm(): HTMLElement {
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
  const f = h(
    'form',
    { class: 'grid', 'data-testid': 'backtest-form' },
    h(
      'label',
      {},
      'Strategy',
      h(
        'select',
        { name: 'strategy' },
        ...['sma-cross', 'ema-cross', 'rsi-reversion', 'donchian-breakout'].map((s) =>
          h('option', { value: s }, s),
        ),
      ),
    ),
    h('label', {}, 'Symbol', h('input', { name: 'symbol', value: 'BTCUSDT' })),
    h('label', {}, 'Interval', h('input', { name: 'interval', value: '60' })),
    h('label', {}, 'From', h('input', { name: 'from', value: weekAgo })),
    h('label', {}, 'To', h('input', { name: 'to', value: today })),
    h(
      'label',
      {},
      'Params',
      h('input', { name: 'params', value: 'fast=10 slow=30', placeholder: 'fast=10 slow=30' }),
    ),
    h('button', { class: 'primary', type: 'submit', 'data-testid': 'run-backtest' }, 'Run backtest'),
  ) as HTMLFormElement;
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = new FormData(f);
    const params: Record<string, string> = {};
    for (const kv of String(d.get('params') ?? '')
      .split(/\s+/)
      .filter(Boolean)) {
      const [k, v] = kv.split('=');
      if (k && v !== undefined) params[k] = v;
    }
    const body = {
      strategy: d.get('strategy'),
      symbol: d.get('symbol'),
      interval: d.get('interval'),
      from: d.get('from'),
      to: d.get('to'),
      params,
    };
    api<{ id: number }>('/backtests', { method: 'POST', body })
      .then((r) => {
        shownRun = r.id;
        toast(`Backtest #${r.id} queued`);
        return render();
      })
      .catch((e: unknown) => toast(e instanceof Error ? e.message : String(e)));
  });
  return f;
}

async function backtests(): Promise<HTMLElement[]> {
  if (!can('trader')) return [h('p', { class: 'muted' }, 'Backtests need the trader role, as in chat.')];
  const r = await api<{ runs: Row[] }>('/backtests?limit=15');
  const out: HTMLElement[] = [h('h2', {}, 'Run a backtest'), backtestForm(), h('h2', {}, 'Recent runs')];
  out.push(
    table(
      ['#', 'Run', 'Status', 'Progress', 'Return %', 'Trades', ''],
      r.runs.map((x) => {
        const p = x.progress as { stage: string; pct: number };
        const stats = (x.stats ?? {}) as Record<string, unknown>;
        const id = Number(x.id);
        const show =
          x.status === 'done'
            ? button(
                'Chart',
                '',
                async () => {
                  shownRun = id;
                  await render();
                },
                `show-run-${id}`,
              )
            : '';
        return [
          String(id),
          `${String(x.strategy)} ${String(x.symbol)} ${String(x.interval)}`,
          h('span', { 'data-testid': `run-status-${id}` }, String(x.status)),
          h(
            'div',
            { class: 'bar', title: `${p.stage} ${p.pct}%` },
            h('i', { style: `width:${Math.round(p.pct)}%` }),
          ),
          stats.returnPct === undefined ? '—' : Number(stats.returnPct).toFixed(2),
          stats.trades === undefined ? '—' : String(stats.trades),
          show,
        ];
      }),
      'runs',
    ),
  );
  const run = r.runs.find((x) => Number(x.id) === shownRun) ?? null;
  if (run && run.status === 'done') {
    const el = h('div', { class: 'chart tall', 'data-testid': 'backtest-chart' });
    out.push(h('h2', {}, `Backtest #${String(run.id)}: price, entries and exits, equity`), el);
    const data = await api<BacktestChartData & { trades: unknown[] }>(`/backtests/${String(run.id)}/chart`);
    el.dataset.trades = String(data.trades.length);
    mounted.push(() => charts.push(backtestChart(el, data)));
  } else if (run && run.error) {
    out.push(h('p', { class: 'neg' }, `Backtest #${String(run.id)} failed: ${String(run.error)}`));
  }
  return out;
}

async function audit(): Promise<HTMLElement[]> {
  if (!can('admin')) return [h('p', { class: 'muted' }, 'The audit log is for admins.')];
  const r = await api<{ rows: Row[] }>('/audit?limit=100');
  const verify = button(
    'Verify chain',
    '',
    async () => {
      const v = await api<{ ok: boolean; message: string; rows: number }>('/audit/verify');
      toast(v.ok ? `Chain intact: ${v.rows} rows` : v.message);
    },
    'verify-audit',
  );
  return [
    h('h2', {}, 'Audit log ', verify),
    table(
      ['#', 'When', 'Who', 'Via', 'Action', 'Outcome', 'Detail'],
      r.rows.map((x) => [
        String(x.id),
        time(x.at),
        String(x.actor),
        String(x.platform ?? ''),
        String(x.action),
        String(x.outcome),
        String(x.detail ?? ''),
      ]),
      'audit',
    ),
  ];
}

const VIEWS: Record<string, () => Promise<HTMLElement[]>> = {
  overview,
  positions,
  approvals,
  backtests,
  audit,
};
/** Which views a change topic concerns. */
const FOLLOWS: Record<string, string[]> = {
  overview: ['status', 'strategies', 'equity'],
  positions: ['positions', 'orders'],
  approvals: ['approvals'],
  backtests: ['backtests'],
  audit: ['audit'],
};

function current(): string {
  const v = location.hash.slice(1);
  return v in VIEWS ? v : 'overview';
}

let rendering = false;
let again = false;
async function render(): Promise<void> {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  try {
    const view = current();
    for (const a of document.querySelectorAll('#nav a'))
      a.classList.toggle('active', a.getAttribute('href') === `#${view}`);
    const viewFn = VIEWS[view];
    mounted = [];
    const nodes = viewFn ? await viewFn() : [];
    for (const c of charts) c.remove();
    charts = [];
    const main = document.getElementById('main');
    main?.replaceChildren(...nodes);
    main?.setAttribute('data-view', view);
    for (const f of mounted) f();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signedOut();
    toast(e instanceof Error ? e.message : String(e));
  } finally {
    rendering = false;
    if (again) {
      again = false;
      void render();
    }
  }
}

function signedOut(): void {
  session = null;
  document
    .getElementById('main')
    ?.replaceChildren(
      h(
        'p',
        {},
        'You are not signed in. Send ',
        h('code', {}, '/web'),
        ' to the bot in a private chat (Telegram) or as /bosun web (Slack), and open the link it gives you.',
      ),
    );
}

function live(): void {
  const es = new EventSource('/api/v1/events');
  es.addEventListener('change', (ev) => {
    const topics = (JSON.parse((ev as MessageEvent<string>).data) as { topics: string[] }).topics;
    if ((FOLLOWS[current()] ?? []).some((t) => topics.includes(t))) void render();
  });
}

async function start(): Promise<void> {
  try {
    session = await api('/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signedOut();
    throw e;
  }
  const who = document.getElementById('who');
  if (who && session) {
    who.replaceChildren(
      `${session.name} · ${session.role} `,
      button('Sign out', '', async () => {
        await api('/session', { method: 'DELETE' });
        signedOut();
      }),
    );
  }
  window.addEventListener('hashchange', () => void render());
  await render();
  live();
}

void start();
