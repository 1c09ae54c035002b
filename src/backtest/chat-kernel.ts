// The kernel run a chat or dashboard backtest request asks for: one instance on the request's candles with
// the bot's rules. The job and the dashboard's chart both run it, so the chart shows what the job stored.
import { parseConfig } from '../platform/config.js';
import type { CandleSeries } from './candles.js';
import type { ChatRun } from './chat-run.js';
import { defaultRequest } from './cli-args.js';
import { loadFunding } from './funding.js';
import { buildKernelPlan, type PlanConfig } from './kernel-plan.js';
import { runKernelPlan, type KernelRunResult } from './kernel-run.js';

export async function chatKernelRun(
  run: Pick<ChatRun, 'strategy' | 'symbol' | 'interval' | 'request'>,
  series: CandleSeries,
  config: PlanConfig = { config: parseConfig({}), source: 'built-in defaults' },
): Promise<KernelRunResult> {
  const req = run.request;
  const data = `bybit:${run.symbol}:${run.interval}:${req.category}`;
  const plan = await buildKernelPlan(
    defaultRequest({
      data,
      strategy: run.strategy,
      params: Object.fromEntries(Object.entries(req.strategyParams).map(([k, v]) => [k, String(v)])),
      symbol: run.symbol,
      category: req.category,
      interval: run.interval,
      ...(req.cash !== undefined ? { cash: req.cash } : {}),
      ...(req.commission !== undefined ? { commission: req.commission } : {}),
    }),
    config,
    { candles: () => Promise.resolve(series), funding: loadFunding },
  );
  return runKernelPlan(plan);
}
