// Kernel test kit: Bybit-shaped instruments, the default risk limits and approval policy from an empty
// bosun.yaml, synthetic candle columns, and a way to write a small SDK strategy inline.
import { dec, type Decimal } from '../../src/domain/decimal.js';
import type { Category, Instrument } from '../../src/domain/instrument.js';
import { approvalRoute } from '../../src/kernel/approval-policy.js';
import type { BarColumns, KernelBacktestInput } from '../../src/kernel/backtest.js';
import type { InstanceConfig } from '../../src/kernel/types.js';
import { parseConfig } from '../../src/platform/config.js';
import { limitsFromConfig } from '../../src/risk/limits.js';
import type { RiskLimits } from '../../src/risk/types.js';
import type { BarContext, StrategyDefinition } from '../../src/sdk/types.js';

export const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
export const MIN = 60_000;

export function instrument(symbol: string, category: Category = 'linear'): Instrument {
  return {
    symbol,
    category,
    baseCoin: symbol.replace(/USDT$/, ''),
    quoteCoin: 'USDT',
    tickSize: dec('0.1'),
    qtyStep: dec('0.001'),
    minOrderQty: dec('0.001'),
    maxOrderQty: dec('1190'),
    maxMarketOrderQty: dec('119'),
    minNotional: dec('5'),
    maxLeverage: dec('100'),
  };
}

export function limits(risk: Record<string, unknown> = {}): RiskLimits {
  return limitsFromConfig(parseConfig({ risk }).risk);
}

export function autoApprovals(): KernelBacktestInput['approvals'] {
  const cfg = parseConfig({ approvals: { mode: 'auto' } }).approvals;
  return (n, r) => approvalRoute(cfg, n, r);
}

/** 1-minute bars from [open, high, low, close] rows, starting at T0. */
export function bars(
  rows: readonly (readonly [number, number, number, number])[],
  start = T0,
  stepMs = MIN,
): BarColumns {
  const n = rows.length;
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k] as number));
  return {
    length: n,
    time: Float64Array.from(rows.map((_, i) => start + i * stepMs)),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(n).fill(1),
  };
}

/** Flat bars at one price (open = high = low = close). */
export function flat(price: number, n: number): [number, number, number, number][] {
  return Array.from({ length: n }, () => [price, price, price, price] as [number, number, number, number]);
}

/** A strategy that runs `script[bar index]` at each bar: the shortest way to drive the kernel in a test. */
export function scripted(
  name: string,
  script: Record<number, (ctx: BarContext) => void>,
  extra: Partial<StrategyDefinition> = {},
): StrategyDefinition {
  return {
    name,
    lookback: 10,
    ...extra,
    create: () => {
      let i = -1;
      return {
        onBar(ctx) {
          i += 1;
          script[i]?.(ctx);
        },
      };
    },
  };
}

export function instanceOf(
  id: string,
  definition: StrategyDefinition,
  over: Partial<InstanceConfig> = {},
  notional: Decimal = dec('1000'),
): InstanceConfig {
  return {
    id,
    definition,
    params: {},
    category: 'linear',
    symbol: 'BTCUSDT',
    interval: '1',
    sizing: { mode: 'fixed-notional', notional },
    ...over,
  };
}

export const NO_COSTS = { takerFee: dec('0'), makerFee: dec('0'), slippageBps: dec('0') };
export const BYBIT_LINEAR_COSTS = {
  takerFee: dec('0.00055'),
  makerFee: dec('0.0002'),
  slippageBps: dec('0'),
};
