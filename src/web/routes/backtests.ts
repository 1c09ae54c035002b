// Backtests: submit (validated by the /backtest command's own parser, stored and queued like a chat
// run), progress and result of a stored run, its PNG chart, and the data of an interactive chart: the
// candles, the trades' entries and exits, and the equity curve, from the same backtester on the same
// cached candles the job used (it is deterministic, so it reproduces the stored statistics).
import { z } from 'zod';
import { MAX_BARS, parseRun } from '../../../commands/backtest.js';
import { failRun, getRun, insertRun, type ChatRun } from '../../backtest/chat-run.js';
import { sliceByTime } from '../../backtest/candles.js';
import { chatKernelRun } from '../../backtest/chat-kernel.js';
import { kernelJsonDocument } from '../../backtest/report-kernel.js';
import { recentRunIds } from '../../db/repos/web-backtests.js';
import { GUARDED, iso, isoOrNull, zError, zTime, type ZApp } from '../app-type.js';
import { auditWeb } from '../auth.js';
import type { WebDeps } from '../deps.js';

const zRun = z.object({
  id: z.number().int(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  strategy: z.string(),
  symbol: z.string(),
  interval: z.string(),
  params: z.record(z.string(), z.number()),
  from: zTime,
  to: zTime,
  progress: z.object({ stage: z.string(), pct: z.number(), bars: z.number().int().optional() }),
  requestedBy: z.string().nullable(),
  stats: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).nullable(),
  bars: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: zTime,
  finishedAt: zTime.nullable(),
});

function runView(r: ChatRun) {
  return {
    id: r.id,
    status: r.status,
    strategy: r.strategy,
    symbol: r.symbol,
    interval: r.interval,
    params: r.request.strategyParams,
    from: iso(r.request.from),
    to: iso(r.request.to),
    progress: r.request.progress ?? { stage: r.status, pct: r.status === 'done' ? 100 : 0 },
    requestedBy: r.requestedBy,
    stats: r.stats?.stats ?? null,
    bars: r.stats?.data.bars ?? null,
    error: r.error,
    createdAt: iso(r.createdAt),
    finishedAt: isoOrNull(r.finishedAt),
  };
}

const zSubmit = z.object({
  strategy: z.string().max(40),
  symbol: z.string().max(20),
  interval: z.string().max(4).describe('Bybit code (1 … 720, D, W, M) or 1m, 4h, 1d'),
  from: z.string().max(25).describe('2024-01-01 or 2024-01-01T12:00 (UTC)'),
  to: z.string().max(25),
  params: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.union([z.number(), z.string().max(20)]))
    .default({}),
  cash: z.union([z.number(), z.string().max(30)]).optional(),
  commission: z.union([z.number(), z.string().max(30)]).optional(),
});

const MAX_CHART_BARS = 5000;

/** Merge consecutive bars into at most `max` (OHLC of each bucket), so a browser gets a few thousand. */
function bucketed(
  time: Float64Array,
  o: Float64Array,
  h: Float64Array,
  l: Float64Array,
  c: Float64Array,
  max: number,
) {
  const n = time.length;
  const k = Math.max(1, Math.ceil(n / max));
  const out: { t: number; o: number; h: number; l: number; c: number }[] = [];
  for (let i = 0; i < n; i += k) {
    const end = Math.min(n, i + k);
    let hi = -Infinity;
    let lo = Infinity;
    for (let j = i; j < end; j++) {
      hi = Math.max(hi, h[j] as number);
      lo = Math.min(lo, l[j] as number);
    }
    out.push({ t: time[i] as number, o: o[i] as number, h: hi, l: lo, c: c[end - 1] as number });
  }
  return { bars: out, step: k };
}

export function backtestRoutes(app: ZApp, deps: WebDeps): void {
  app.get(
    '/api/v1/backtests',
    {
      config: { access: 'trader' },
      schema: {
        summary: 'the latest backtest runs, newest first',
        tags: ['backtests'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ runs: z.array(zRun) }), ...GUARDED },
      },
    },
    async (req) => {
      const ids = await recentRunIds(deps.db, req.query.limit);
      const runs = await Promise.all(ids.map((id) => getRun(deps.db, id)));
      return { runs: runs.flatMap((r) => (r ? [runView(r)] : [])) };
    },
  );

  app.post(
    '/api/v1/backtests',
    {
      config: { access: 'trader', mutates: true },
      schema: {
        summary: 'queue a backtest on Bybit candles (the /backtest command: same checks, same job)',
        tags: ['backtests'],
        body: zSubmit,
        response: { 202: zRun, 400: zError, 503: zError, ...GUARDED },
      },
    },
    async (req, reply) => {
      const who = req.identity;
      if (!deps.enqueueBacktest || !who)
        return reply.code(503).send({ error: 'unavailable', message: 'this process has no job queue' });
      const b = req.body;
      const tokens = [
        b.strategy,
        b.symbol,
        b.interval,
        b.from,
        b.to,
        ...Object.entries(b.params).map(([k, v]) => `${k}=${v}`),
        ...(b.cash !== undefined ? [`cash=${b.cash}`] : []),
        ...(b.commission !== undefined ? [`commission=${b.commission}`] : []),
      ];
      let run;
      try {
        run = parseRun(tokens);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        await auditWeb(deps, req, {
          action: 'backtest',
          args: { tokens },
          outcome: 'invalid',
          detail: message,
        });
        return reply.code(400).send({ error: 'invalid', message });
      }
      const now = deps.clock.now();
      if (run.request.from >= now)
        return reply
          .code(400)
          .send({ error: 'invalid', message: `from ${iso(run.request.from)} is in the future` });
      const request = { ...run.request, to: Math.min(run.request.to, now) };
      const runId = await insertRun(deps.db, {
        requestedBy: who.label,
        strategy: run.strategy,
        symbol: run.symbol,
        interval: run.interval,
        request,
      });
      try {
        await deps.enqueueBacktest('run-backtest', { runId }, `backtest-${runId}`);
      } catch {
        await failRun(deps.db, runId, 'the job queue was unreachable', now);
        return reply.code(503).send({ error: 'unavailable', message: 'the job queue is unreachable' });
      }
      await auditWeb(deps, req, {
        action: 'backtest',
        args: { tokens, runId },
        outcome: 'ok',
        detail: `run #${runId} queued`,
      });
      const stored = await getRun(deps.db, runId);
      if (!stored) return reply.code(503).send({ error: 'unavailable', message: 'run not stored' });
      return reply.code(202).send(runView(stored));
    },
  );

  app.get(
    '/api/v1/backtests/:id',
    {
      config: { access: 'trader' },
      schema: {
        summary: 'a run: status and progress while it runs, statistics when done (as /backtest #id)',
        tags: ['backtests'],
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: zRun, 404: zError, ...GUARDED },
      },
    },
    async (req, reply) => {
      const r = await getRun(deps.db, req.params.id);
      if (!r) return reply.code(404).send({ error: 'not-found', message: `no backtest #${req.params.id}` });
      return runView(r);
    },
  );

  app.get(
    '/api/v1/backtests/:id/chart.png',
    {
      config: { access: 'trader' },
      schema: {
        summary: "the run's equity and drawdown chart as chat shows it (PNG)",
        tags: ['backtests'],
        params: z.object({ id: z.coerce.number().int().positive() }),
        produces: ['image/png'],
      },
    },
    async (req, reply) => {
      const r = await getRun(deps.db, req.params.id, true);
      if (!r?.chart)
        return reply.code(404).send({ error: 'not-found', message: 'no chart for this run (yet)' });
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(r.chart);
    },
  );

  app.get(
    '/api/v1/backtests/:id/chart',
    {
      config: { access: 'trader' },
      schema: {
        summary: "an interactive chart's data: candles, trade entries and exits, equity at each bar",
        tags: ['backtests'],
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({
            symbol: z.string(),
            interval: z.string(),
            barsPerPoint: z.number().int().describe('bars merged into each candle sent (1 = none)'),
            candles: z.array(
              z.object({ t: z.number(), o: z.number(), h: z.number(), l: z.number(), c: z.number() }),
            ),
            equity: z.array(z.object({ t: z.number(), v: z.number() })),
            trades: z.array(
              z.object({
                size: z.string(),
                entryTime: zTime,
                exitTime: zTime,
                entryPrice: z.string(),
                exitPrice: z.string(),
                pnl: z.string(),
                returnPct: z.number().nullable(),
              }),
            ),
            equityFinal: z.string(),
          }),
          404: zError,
          409: zError,
          503: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const r = await getRun(deps.db, req.params.id);
      if (!r) return reply.code(404).send({ error: 'not-found', message: `no backtest #${req.params.id}` });
      if (r.status !== 'done')
        return reply.code(409).send({ error: 'not-done', message: `backtest #${r.id} is ${r.status}` });
      if (!deps.candles)
        return reply.code(503).send({ error: 'unavailable', message: 'this process has no candle source' });
      const { from, to, category } = r.request;
      const series = sliceByTime(
        await deps.candles.load(`${r.symbol}:${r.interval}:${category}`, { from, to }),
        from,
        to,
      );
      if (series.length > MAX_BARS)
        return reply.code(409).send({ error: 'too-large', message: `more than ${MAX_BARS} bars` });
      // The same kernel run the job stored, with the bot's rules: the chart matches its stats.
      const run = await chatKernelRun(r, series, { config: deps.config, source: 'bosun.yaml' });
      const doc = kernelJsonDocument(run, 0);
      const curve = equityAtBars(series.time, run.result.times, run.result.equity);
      const { bars, step } = bucketed(
        series.time,
        series.open,
        series.high,
        series.low,
        series.close,
        MAX_CHART_BARS,
      );
      const equity: { t: number; v: number }[] = [];
      for (let i = 0; i < series.length; i += step) {
        const j = Math.min(series.length - 1, i + step - 1);
        equity.push({ t: series.time[i] as number, v: curve[j] as number });
      }
      return {
        symbol: r.symbol,
        interval: r.interval,
        barsPerPoint: step,
        candles: bars,
        equity,
        trades: run.trades.map((t) => ({
          size: t.size.toFixed(),
          entryTime: new Date(t.entryTime).toISOString(),
          exitTime: new Date(t.exitTime).toISOString(),
          entryPrice: t.entryPrice.toFixed(),
          exitPrice: t.exitPrice.toFixed(),
          pnl: t.pnl.toFixed(),
          returnPct: Number.isFinite(t.returnPct) ? t.returnPct : null,
        })),
        equityFinal: String(doc.stats.equityFinal),
      };
    },
  );
}

/** The kernel's equity (one point per event time) at each bar's time: the last point at or before it. */
function equityAtBars(barTimes: Float64Array, times: Float64Array, equity: Float64Array): Float64Array {
  const out = new Float64Array(barTimes.length);
  let k = 0;
  let last = equity.length > 0 ? (equity[0] as number) : 0;
  for (let i = 0; i < barTimes.length; i += 1) {
    const t = barTimes[i] as number;
    while (k < times.length && (times[k] as number) <= t) {
      last = equity[k] as number;
      k += 1;
    }
    out[i] = last;
  }
  return out;
}
