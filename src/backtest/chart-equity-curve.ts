// A plain equity curve (one series over a UTC time axis) as a PNG, drawn like the backtest chart: for
// the daily digest's last 30 days of account equity snapshots. 1200×600, legible on a phone.
import type { EChartsOption } from 'echarts';
import type { Decimal } from '../domain/decimal.js';
import { CHART_FONT, renderChartPng, type ChartMeta } from './chart.js';
import { downsampleMinMax } from './chart-data.js';

export interface EquityPoint {
  readonly t: number;
  readonly equity: Decimal;
}

export interface EquityCurveLabels {
  readonly title: string;
  readonly subtitle?: string;
  /** The y axis name, e.g. "Equity (USDT)". */
  readonly axis?: string;
  /** The time axis span (ms), so a short or sparse history still shows the whole period. */
  readonly span?: { readonly from: number; readonly to: number };
}

export const CURVE_WIDTH = 1200;
export const CURVE_HEIGHT = 600;
const COLOR = '#1f5fbf';

export function equityCurveOption(points: readonly EquityPoint[], labels: EquityCurveLabels): EChartsOption {
  const time = new Float64Array(points.length);
  // Pixels only: the books keep Decimal, the chart needs floats to place the line.
  const value = new Float64Array(points.length);
  points.forEach((p, i) => {
    time[i] = p.t;
    value[i] = p.equity.toNumber();
  });
  const data = downsampleMinMax(time, value, 1500);
  const axisLabel = { fontSize: 17, color: '#333', fontFamily: CHART_FONT };
  return {
    animation: false,
    // Dates on the axis in UTC whatever the server's zone, like every time bosun shows.
    useUTC: true,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT },
    title: {
      text: labels.title,
      subtext: labels.subtitle ?? '',
      left: 24,
      top: 14,
      textStyle: { fontSize: 26, fontFamily: CHART_FONT, color: '#111', fontWeight: 'normal' },
      subtextStyle: { fontSize: 19, fontFamily: CHART_FONT, color: '#333' },
    },
    grid: { left: 130, right: 40, top: 110, bottom: 60 },
    xAxis: {
      type: 'time',
      ...(labels.span ? { min: labels.span.from, max: labels.span.to } : {}),
      axisLabel: { ...axisLabel, rich: { primary: { fontSize: 17, fontFamily: CHART_FONT } } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: true,
      name: labels.axis ?? 'Equity',
      nameTextStyle: axisLabel,
      axisLabel,
    },
    series: [
      {
        name: 'Equity',
        type: 'line',
        data,
        // A lone snapshot has no line to draw: show it as a dot.
        showSymbol: data.length < 2,
        symbolSize: 10,
        lineStyle: { color: COLOR, width: 3 },
        itemStyle: { color: COLOR },
        areaStyle: { color: COLOR, opacity: 0.08 },
      },
    ],
  };
}

/** The curve as a PNG; `points` in time order. */
export function renderEquityCurve(
  points: readonly EquityPoint[],
  labels: EquityCurveLabels,
  meta: ChartMeta = {},
): Promise<Buffer> {
  return renderChartPng(equityCurveOption(points, labels), meta, {
    width: CURVE_WIDTH,
    height: CURVE_HEIGHT,
  });
}
