// The dashboard's charts on lightweight-charts (served from node_modules as the global LightweightCharts):
// the account's equity with its drawdown below, and a backtest's candles with entries and exits and its
// equity curve in a second pane. Times arrive in ms; the library wants UTC seconds.
import type * as LWC from 'lightweight-charts';

declare const LightweightCharts: typeof LWC;

const DARK: LWC.DeepPartial<LWC.ChartOptions> = {
  autoSize: true,
  layout: { background: { color: '#171d24' }, textColor: '#c9d1d9', panes: { separatorColor: '#27313c' } },
  grid: { vertLines: { color: '#1f2730' }, horzLines: { color: '#1f2730' } },
  timeScale: { timeVisible: true, secondsVisible: false },
};

const sec = (ms: number): LWC.UTCTimestamp => Math.floor(ms / 1000) as LWC.UTCTimestamp;

/** Running-peak drawdown in percent (for drawing only; the figure itself comes from /performance). */
function drawdownPct(values: number[]): number[] {
  let peak = -Infinity;
  return values.map((v) => {
    peak = Math.max(peak, v);
    return peak > 0 ? ((v - peak) / peak) * 100 : 0;
  });
}

export function equityChart(el: HTMLElement, points: { t: number; v: number }[]): LWC.IChartApi {
  const chart = LightweightCharts.createChart(el, DARK);
  const eq = chart.addSeries(LightweightCharts.LineSeries, {
    color: '#58a6ff',
    lineWidth: 2,
    title: 'equity',
  });
  const dd = chart.addSeries(
    LightweightCharts.AreaSeries,
    {
      lineColor: '#f85149',
      topColor: 'rgba(248,81,73,0.05)',
      bottomColor: 'rgba(248,81,73,0.4)',
      title: 'drawdown %',
    },
    1,
  );
  const uniq = dedupe(points);
  eq.setData(uniq.map((p) => ({ time: sec(p.t), value: p.v })));
  const dds = drawdownPct(uniq.map((p) => p.v));
  dd.setData(uniq.map((p, i) => ({ time: sec(p.t), value: dds[i] ?? 0 })));
  chart.panes()[1]?.setHeight(90);
  chart.timeScale().fitContent();
  return chart;
}

/** One point per second at most (the library needs strictly increasing times). */
function dedupe(points: { t: number; v: number }[]): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && sec(last.t) === sec(p.t)) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

export interface BacktestChartData {
  candles: { t: number; o: number; h: number; l: number; c: number }[];
  equity: { t: number; v: number }[];
  trades: {
    size: string;
    entryTime: string;
    exitTime: string;
    entryPrice: string;
    exitPrice: string;
    pnl: string;
  }[];
}

/** The bar a trade time falls in (candles may be merged buckets): the last candle at or before it. */
function barTime(times: number[], ms: number): LWC.UTCTimestamp {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((times[mid] ?? 0) <= ms) lo = mid;
    else hi = mid - 1;
  }
  return sec(times[lo] ?? ms);
}

export function backtestChart(el: HTMLElement, d: BacktestChartData): LWC.IChartApi {
  const chart = LightweightCharts.createChart(el, DARK);
  const candles = chart.addSeries(LightweightCharts.CandlestickSeries, {
    upColor: '#3fb950',
    downColor: '#f85149',
    borderVisible: false,
    wickUpColor: '#3fb950',
    wickDownColor: '#f85149',
  });
  candles.setData(d.candles.map((c) => ({ time: sec(c.t), open: c.o, high: c.h, low: c.l, close: c.c })));
  const times = d.candles.map((c) => c.t);
  const markers: LWC.SeriesMarker<LWC.Time>[] = [];
  for (const t of d.trades) {
    const long = !t.size.startsWith('-');
    const won = !t.pnl.startsWith('-');
    markers.push({
      time: barTime(times, Date.parse(t.entryTime)),
      position: long ? 'belowBar' : 'aboveBar',
      shape: long ? 'arrowUp' : 'arrowDown',
      color: long ? '#3fb950' : '#f85149',
      text: `${long ? 'long' : 'short'} ${t.entryPrice}`,
    });
    markers.push({
      time: barTime(times, Date.parse(t.exitTime)),
      position: long ? 'aboveBar' : 'belowBar',
      shape: 'circle',
      color: won ? '#58a6ff' : '#d29922',
      text: `exit ${t.pnl}`,
    });
  }
  markers.sort((a, b) => Number(a.time) - Number(b.time));
  LightweightCharts.createSeriesMarkers(candles, markers);
  const eq = chart.addSeries(
    LightweightCharts.LineSeries,
    { color: '#58a6ff', lineWidth: 2, title: 'equity' },
    1,
  );
  eq.setData(dedupe(d.equity).map((p) => ({ time: sec(p.t), value: p.v })));
  chart.panes()[1]?.setHeight(130);
  chart.timeScale().fitContent();
  return chart;
}
