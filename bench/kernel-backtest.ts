// Backtest throughput through the kernel (the live bot's own decisions: sizing, risk, protection) on
// 1,000,000 synthetic 1-minute bars: SMA(10/30) cross, fixed-notional sizing, Bybit linear taker fees.
import { fileURLToPath } from 'node:url';
import { dec } from '../src/domain/decimal.js';
import { approvalRoute } from '../src/kernel/approval-policy.js';
import { runKernelBacktest } from '../src/kernel/backtest.js';
import type { StrategyDefinition } from '../src/sdk/types.js';
import { parseConfig } from '../src/platform/config.js';
import { limitsFromConfig } from '../src/risk/limits.js';
import { compareMeans, RollingTickSum, toTicks } from '../src/strategies/indicators.js';
import { syntheticBars } from './backtest-speed.js';

/** SMA cross on exact integer ticks, written with the SDK as a user would (reverses on each cross). */
const smaCross: StrategyDefinition = {
  name: 'sma-cross',
  params: {
    fast: { default: 10, min: 1, max: 500, int: true },
    slow: { default: 30, min: 2, max: 500, int: true },
  },
  lookback: 2,
  create: ({ params, priceScale }) => {
    const fast = new RollingTickSum(params.fast as number);
    const slow = new RollingTickSum(params.slow as number);
    let prev = 0;
    return {
      onBar(ctx) {
        const t = toTicks(ctx.bar.close, priceScale);
        fast.push(t);
        slow.push(t);
        if (!slow.ready) return;
        const cmp = compareMeans(fast.sum, fast.period, slow.sum, slow.period);
        if (prev < 0 && cmp > 0) ctx.enterLong();
        else if (prev > 0 && cmp < 0) ctx.enterShort();
        prev = cmp;
      },
    };
  },
};

function instrument() {
  return {
    symbol: 'BTCUSDT',
    category: 'linear' as const,
    baseCoin: 'BTC',
    quoteCoin: 'USDT',
    tickSize: dec('0.01'),
    qtyStep: dec('0.001'),
    minOrderQty: dec('0.001'),
    maxOrderQty: dec('1190'),
    maxMarketOrderQty: dec('119'),
    minNotional: dec('5'),
    maxLeverage: dec('100'),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const n = Number(process.env.KB_N ?? 1_000_000);
  const bars = syntheticBars(n);
  const cfg = parseConfig({ approvals: { mode: 'auto' }, risk: { staleDataSeconds: 600 } });
  const limits = limitsFromConfig(cfg.risk);
  const go = () =>
    runKernelBacktest({
      data: [{ series: { category: 'linear', symbol: 'BTCUSDT', interval: '1' }, bars }],
      instances: [
        {
          id: 'bench',
          definition: smaCross,
          params: { fast: 10, slow: 30 },
          category: 'linear',
          symbol: 'BTCUSDT',
          interval: '1',
          sizing: { mode: 'fixed-notional', notional: dec('1000') },
        },
      ],
      instruments: [instrument()],
      limits,
      approvals: (x, r) => approvalRoute(cfg.approvals, x, r),
      cash: dec('100000'),
      costs: { takerFee: dec('0.00055'), makerFee: dec('0.0002'), slippageBps: dec('0') },
    });
  const out: Record<string, number | string> = {};
  let best = Infinity;
  let fills = 0;
  let denied = 0;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    const r = go();
    const ms = performance.now() - t;
    if (ms < best) best = ms;
    fills = r.fills.length;
    denied = r.stats.denied;
  }
  out.kernel_bars = n;
  out.kernel_fills = fills;
  out.kernel_denied = denied;
  out.kernel_run_ms = Math.round(best);
  out.kernel_bars_per_s = Math.round(n / (best / 1000));
  out.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [k, v] of Object.entries(await run())) console.log(`${k}: ${v}`);
}
