// Backtest throughput through the kernel (the live bot's own decisions: sizing, risk, protection) on
// 1,000,000 synthetic 1-minute bars: the built-in SMA(10/30) cross, fixed-notional sizing, Bybit linear fees.
import { fileURLToPath } from 'node:url';
import { dec } from '../src/domain/decimal.js';
import { approvalRoute } from '../src/kernel/approval-policy.js';
import { runKernelBacktest } from '../src/kernel/backtest.js';
import { parseConfig } from '../src/platform/config.js';
import { limitsFromConfig } from '../src/risk/limits.js';
import { getDefinition } from '../src/strategies/registry.js';
import { syntheticBars } from './backtest-speed.js';

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
          definition: getDefinition('sma-cross'),
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
