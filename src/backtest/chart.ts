// Equity chart as PNG without a browser: ECharts server-side SVG rasterised by resvg with a bundled
// DejaVu Sans (system fonts off, so it renders the same on a bare machine). 1200×800, phone-legible.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EChartsOption } from 'echarts';
import { iso } from './candles.js';
import { buyAndHold, downsampleMinMax, drawdownPct, type Point } from './chart-data.js';
import { intervalLabel } from './report.js';
import type { BacktestResult } from './run-backtest.js';

export interface ChartMeta {
  readonly symbol?: string;
  /** The equity line's legend (a portfolio's shared account: "Portfolio equity"). */
  readonly equityName?: string;
  readonly interval?: string;
  /** A TTF to use instead of the bundled DejaVu Sans. */
  readonly fontFile?: string;
}

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 800;
/** Trade markers only while they stay readable. */
export const MAX_MARKED_TRADES = 60;
export const CHART_FONT = 'DejaVu Sans';
const FONT = CHART_FONT;
const COLORS = { equity: '#1f5fbf', hold: '#8c8c8c', dd: '#d0342c', long: '#1a9641', short: '#d7191c' };

function fontPath(meta: ChartMeta): string {
  const candidates = meta.fontFile
    ? [meta.fontFile]
    : // src/backtest → repo root; dist/src/backtest → repo root one level further up.
      ['../../assets/fonts/DejaVuSans.ttf', '../../../assets/fonts/DejaVuSans.ttf'].map((p) =>
        fileURLToPath(new URL(p, import.meta.url)),
      );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`chart font not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** What the chart reads of a result: a compat run's BacktestResult, or a kernel run adapted to it. */
export interface ChartSource {
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly series: Pick<BacktestResult['series'], 'time' | 'close' | 'length'>;
  readonly options: { readonly cash: BacktestResult['options']['cash'] };
  readonly equity: Float64Array;
  readonly warmup: number;
  readonly stats: Pick<
    BacktestResult['stats'],
    'returnPct' | 'buyHoldReturnPct' | 'sharpe' | 'maxDrawdownPct' | 'trades' | 'winRatePct'
  >;
  readonly trades: readonly {
    readonly entryBar: number;
    readonly exitBar: number;
    readonly side: 'long' | 'short';
  }[];
}

const pct = (v: number): string => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}%` : 'n/a');
const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

function titles(r: ChartSource, meta: ChartMeta): { text: string; subtext: string } {
  const s = r.series;
  const params = Object.values(r.params).join(',');
  const day = (t: number): string => iso(t).slice(0, 10);
  const head = [
    params ? `${r.strategy}(${params})` : r.strategy,
    meta.symbol,
    meta.interval ?? intervalLabel(s.time),
  ].filter(Boolean);
  const st = r.stats;
  return {
    text: `${head.join(' · ')} · ${day(s.time[0] as number)} → ${day(s.time[s.length - 1] as number)}`,
    subtext:
      `Return ${pct(st.returnPct)} · Buy & hold ${pct(st.buyHoldReturnPct)} · Sharpe ${num(st.sharpe)}` +
      ` · Max DD ${pct(st.maxDrawdownPct)} · ${st.trades} trades · Win ${num(st.winRatePct)}%`,
  };
}

function markers(r: ChartSource): { long: Point[]; short: Point[]; exits: Point[] } {
  const out = { long: [] as Point[], short: [] as Point[], exits: [] as Point[] };
  if (r.trades.length > MAX_MARKED_TRADES) return out;
  const { time } = r.series;
  for (const t of r.trades) {
    const p: Point = [time[t.entryBar] as number, r.equity[t.entryBar] as number];
    (t.side === 'long' ? out.long : out.short).push(p);
    out.exits.push([time[t.exitBar] as number, r.equity[t.exitBar] as number]);
  }
  return out;
}

export function chartOption(r: ChartSource, meta: ChartMeta = {}): EChartsOption {
  const equityName = meta.equityName ?? 'Equity';
  const { time, close } = r.series;
  const cash = r.options.cash.toNumber();
  const eq = downsampleMinMax(time, r.equity);
  const hold = downsampleMinMax(time, buyAndHold(close, cash, r.warmup));
  const dd = downsampleMinMax(time, drawdownPct(r.equity));
  const m = markers(r);
  const { text, subtext } = titles(r, meta);
  const axisLabel = { fontSize: 17, color: '#333', fontFamily: FONT };
  const marker = (name: string, data: Point[], color: string, symbol: string, rotate = 0, size = 15) => ({
    name,
    type: 'scatter' as const,
    xAxisIndex: 0,
    yAxisIndex: 0,
    data,
    symbol,
    symbolRotate: rotate,
    symbolSize: size,
    itemStyle: { color, borderColor: '#fff', borderWidth: 1 },
    // Entries above exits: a reversal exits and enters on the same bar.
    z: size > 10 ? 6 : 5,
  });
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: {
      text,
      subtext,
      left: 24,
      top: 14,
      textStyle: { fontSize: 26, fontFamily: FONT, color: '#111', fontWeight: 'normal' },
      subtextStyle: { fontSize: 19, fontFamily: FONT, color: '#333' },
    },
    legend: {
      top: 92,
      itemGap: 22,
      right: 30,
      textStyle: { fontSize: 17, fontFamily: FONT },
      data: [
        equityName,
        'Buy & hold',
        ...(m.long.length ? ['Long entry'] : []),
        ...(m.short.length ? ['Short entry'] : []),
      ],
    },
    grid: [
      { left: 110, right: 30, top: 135, height: 410 },
      { left: 110, right: 30, top: 600, height: 150 },
    ],
    xAxis: [
      { type: 'time', gridIndex: 0, axisLabel: { show: false }, splitLine: { show: false } },
      {
        type: 'time',
        gridIndex: 1,
        // Time axes draw year boundaries as rich "primary" text, which needs its own size and weight.
        axisLabel: {
          ...axisLabel,
          rich: { primary: { fontSize: 17, fontFamily: FONT, fontWeight: 'normal' } },
        },
        splitLine: { show: false },
      },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, name: 'Equity', nameTextStyle: axisLabel, axisLabel },
      { type: 'value', gridIndex: 1, max: 0, name: 'Drawdown %', nameTextStyle: axisLabel, axisLabel },
    ],
    series: [
      {
        name: 'Buy & hold',
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: hold,
        showSymbol: false,
        lineStyle: { color: COLORS.hold, width: 1.5, type: 'dashed' },
        itemStyle: { color: COLORS.hold },
      },
      {
        name: equityName,
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: eq,
        showSymbol: false,
        lineStyle: { color: COLORS.equity, width: 2.5 },
        itemStyle: { color: COLORS.equity },
      },
      {
        name: 'Drawdown',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: dd,
        showSymbol: false,
        lineStyle: { color: COLORS.dd, width: 1 },
        areaStyle: { color: COLORS.dd, opacity: 0.35 },
        itemStyle: { color: COLORS.dd },
      },
      marker('Long entry', m.long, COLORS.long, 'triangle'),
      marker('Short entry', m.short, COLORS.short, 'triangle', 180),
      marker('Exit', m.exits, '#555', 'circle', 0, 7),
    ],
  };
}

/**
 * ECharts writes rich-text labels with the CSS `font:` shorthand, which resvg ignores (the labels fall
 * back to 12px); spell the properties out.
 */
export function expandFontShorthand(svg: string): string {
  return svg.replace(
    /font:\s*(?:(normal|italic|oblique)\s+)?(?:(normal|bold|bolder|lighter|\d{3})\s+)?(\d+(?:\.\d+)?)px\s+([^;"]+)/g,
    (_m, style?: string, weight?: string, size?: string, family?: string) =>
      `font-style:${style ?? 'normal'};font-weight:${weight ?? 'normal'};font-size:${size}px;font-family:${family}`,
  );
}

/** Render the equity chart of a result as a PNG. */
export function renderEquityChart(r: ChartSource, meta: ChartMeta = {}): Promise<Buffer> {
  return renderChartPng(chartOption(r, meta), meta);
}

/** Any ECharts option as a PNG, drawn the same way (bundled font, white background). */
export async function renderChartPng(
  option: EChartsOption,
  meta: ChartMeta = {},
  size: { width: number; height: number } = { width: CHART_WIDTH, height: CHART_HEIGHT },
): Promise<Buffer> {
  const font = fontPath(meta);
  // Loaded on demand: echarts costs seconds to import and most runs never draw.
  const echarts = await import('echarts');
  const { Resvg } = await import('@resvg/resvg-js');
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width,
    height: size.height,
  });
  let svg: string;
  try {
    chart.setOption(option);
    svg = chart.renderToSVGString();
  } finally {
    // Without dispose, zrender's animation loop keeps the process alive.
    chart.dispose();
  }
  const png = new Resvg(expandFontShorthand(svg), {
    background: '#ffffff',
    fitTo: { mode: 'width', value: size.width },
    font: { loadSystemFonts: false, fontFiles: [font], defaultFontFamily: FONT, sansSerifFamily: FONT },
  })
    .render()
    .asPng();
  return Buffer.from(png);
}
