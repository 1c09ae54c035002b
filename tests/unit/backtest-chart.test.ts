// The equity chart: a real 1200×800 PNG (decoded by tests/helpers/png.ts) with both panels drawn and the
// title rendered in the bundled font; long runs are downsampled, keeping their extremes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/backtest/csv.js';
import { chartOption, renderEquityChart } from '../../src/backtest/chart.js';
import { downsampleMinMax } from '../../src/backtest/chart-data.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { countPixels as count, decodePng, type Box } from '../helpers/png.js';

const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));

const EQUITY_PANEL: Box = [115, 140, 1165, 540];
const DRAWDOWN_PANEL: Box = [115, 605, 1165, 745];
const TITLE: Box = [20, 14, 900, 50];
const blue = (r: number, g: number, b: number) => b > 150 && b > r + 60;
const red = (r: number, g: number, b: number) => r > 150 && r > g + 50 && r > b + 50;
const dark = (r: number, g: number, b: number) => r + g + b < 200;
const green = (r: number, g: number, b: number) => g > 110 && g > r + 50 && g > b + 30;

describe('renderEquityChart', () => {
  const goog = parseCsv(readFileSync(GOOG, 'utf8'), 'GOOG');

  it('draws a 1200×800 PNG with the equity panel, the drawdown panel and a legible title', async () => {
    const r = runBacktest(goog, 'sma-cross', { fast: 20, slow: 60 }, { compat: 'backtesting.py' });
    const img = decodePng(await renderEquityChart(r, { symbol: 'GOOG' }));
    expect([img.width, img.height]).toEqual([1200, 800]);
    expect(count(img, EQUITY_PANEL, blue)).toBeGreaterThan(1500);
    expect(count(img, DRAWDOWN_PANEL, red)).toBeGreaterThan(20_000);
    expect(count(img, TITLE, dark)).toBeGreaterThan(500);
    // 40 trades: entry markers are drawn; none would be in the drawdown panel.
    expect(r.stats.trades).toBe(40);
    expect(count(img, EQUITY_PANEL, green)).toBeGreaterThan(100);
  }, 30_000);

  it('leaves trade markers out when there are too many to read', () => {
    const many = runBacktest(goog, 'sma-cross', { fast: 2, slow: 5 }, {});
    expect(many.trades.length).toBeGreaterThan(60);
    const series = chartOption(many).series as { name: string; data: unknown[] }[];
    expect(series.filter((s) => s.name.includes('entry')).every((s) => s.data.length === 0)).toBe(true);
    const few = runBacktest(goog, 'sma-cross', { fast: 20, slow: 60 }, {});
    const fewSeries = chartOption(few).series as { name: string; data: unknown[] }[];
    expect(fewSeries.find((s) => s.name === 'Long entry')?.data.length).toBeGreaterThan(0);
  });

  it('renders a million-bar run from at most 2,000 points per curve, keeping the extremes', async () => {
    const n = 1_000_000;
    const time = new Float64Array(n);
    const close = new Float64Array(n);
    let c = 50_000;
    for (let i = 0; i < n; i++) {
      time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
      c = Math.max(1000, c + ((i * 7919) % 13) - 6 + (i % 50_000 < 25_000 ? 0.5 : -0.5));
      close[i] = c;
    }
    const big = {
      length: n,
      time,
      open: close,
      high: close,
      low: close,
      close,
      volume: new Float64Array(n),
      priceDecimals: 1,
    };
    const r = runBacktest(big, 'sma-cross', { fast: 100, slow: 400 }, { cash: '100000', qtyStep: '0.001' });
    const t0 = performance.now();
    const img = decodePng(await renderEquityChart(r, { symbol: 'SYNTH' }));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect([img.width, img.height]).toEqual([1200, 800]);
    expect(count(img, EQUITY_PANEL, blue)).toBeGreaterThan(1000);

    const pts = downsampleMinMax(time, r.equity);
    expect(pts.length).toBeLessThanOrEqual(2001);
    let [lo, hi] = [Infinity, -Infinity];
    for (const e of r.equity) [lo, hi] = [Math.min(lo, e), Math.max(hi, e)];
    expect(pts.some((p) => p[1] === lo) && pts.some((p) => p[1] === hi)).toBe(true);
    expect(pts.every((p, i) => i === 0 || p[0] > (pts[i - 1] as [number, number])[0])).toBe(true);
  }, 60_000);
});

describe('kernel portfolio chart', () => {
  it("draws the shared account's equity and drawdown of a bosun.yaml portfolio", async () => {
    const { planConfig } = await import('../../src/backtest/cli-kernel.js');
    const { buildKernelPlan } = await import('../../src/backtest/kernel-plan.js');
    const { runKernelPlan } = await import('../../src/backtest/kernel-run.js');
    const { kernelChartSource, renderKernelChart } = await import('../../src/backtest/chart-kernel.js');
    const { defaultRequest } = await import('../../src/backtest/cli-args.js');
    const { loadCandles } = await import('../../src/backtest/source.js');
    const { loadFunding } = await import('../../src/backtest/funding.js');
    const cfg = fileURLToPath(new URL('../../assets/demo/backtest-portfolio.yaml', import.meta.url));
    const data = fileURLToPath(new URL('../../assets/demo/btcusdt-1m.csv', import.meta.url));
    const plan = await buildKernelPlan(defaultRequest({ data, config: cfg }), planConfig(cfg), {
      candles: (src) => loadCandles(src, {}),
      funding: loadFunding,
    });
    const run = runKernelPlan(plan);
    expect(run.result.kernel.instances.map((i) => i.id)).toEqual(['btc-sma', 'btc-rsi']);
    const option = chartOption(kernelChartSource(run), { equityName: 'Portfolio equity' });
    const series = option.series as { name: string; data: [number, number][] }[];
    const equity = series.find((s) => s.name === 'Portfolio equity');
    // The curve is the account's: it starts at the cash and ends at the final equity of both books.
    expect(equity?.data[0]?.[1]).toBe(10_000);
    expect(equity?.data.at(-1)?.[1]).toBeCloseTo(run.result.equityFinal.toNumber(), 6);
    const dd = series.find((s) => s.name === 'Drawdown');
    expect(Math.min(...(dd?.data ?? []).map((p) => p[1]))).toBeCloseTo(run.stats.maxDrawdownPct, 6);
    const img = decodePng(await renderKernelChart(run));
    expect([img.width, img.height]).toEqual([1200, 800]);
    expect(count(img, EQUITY_PANEL, blue)).toBeGreaterThan(1500);
    expect(count(img, DRAWDOWN_PANEL, red)).toBeGreaterThan(5_000);
    expect(count(img, TITLE, dark)).toBeGreaterThan(300);
  }, 30_000);
});
