// The equity chart of a kernel backtest: the shared account's equity and drawdown (a portfolio's, when
// several instances ran), buy-and-hold of the first symbol, and trade markers while they stay readable.
import { renderEquityChart, type ChartMeta, type ChartSource } from './chart.js';
import type { KernelRunResult } from './kernel-run.js';

export function kernelChartSource(r: KernelRunResult): ChartSource {
  const first = r.plan.data[0];
  if (!first) throw new RangeError('no data to chart');
  const one = r.result.kernel.instances.length === 1 ? r.result.kernel.instances[0] : undefined;
  return {
    strategy: one ? one.name : `portfolio of ${r.result.kernel.instances.length}`,
    params: one ? one.params : {},
    series: first.bars,
    options: { cash: r.plan.cash },
    equity: r.result.equity,
    warmup: r.warmup,
    stats: r.stats,
    trades: r.trades,
  };
}

export function renderKernelChart(r: KernelRunResult, meta: ChartMeta = {}): Promise<Buffer> {
  const many = r.result.kernel.instances.length > 1;
  const symbols = [...new Set(r.plan.data.map((d) => d.series.symbol))];
  return renderEquityChart(kernelChartSource(r), {
    ...(many ? { equityName: 'Portfolio equity' } : {}),
    ...meta,
    ...(meta.symbol === undefined ? { symbol: symbols.join('+') } : {}),
  });
}
