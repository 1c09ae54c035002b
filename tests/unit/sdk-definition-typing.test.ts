// A strategy typed by its own params (defineStrategy) goes into a kernel instance as it is: no cast.
// The assignment below is the test that the typecheck runs; the run shows the params reach the strategy.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { runKernelBacktest } from '../../src/kernel/backtest.js';
import type { InstanceConfig } from '../../src/kernel/types.js';
import { defineStrategy } from '../../src/sdk/index.js';
import { autoApprovals, bars, flat, instrument, limits, NO_COSTS } from '../helpers/kernel.js';

const typed = defineStrategy({
  name: 'typed',
  params: { after: { default: 2, min: 1, max: 10, int: true } },
  lookback: (p) => p.after + 1,
  warmup: (p) => p.after,
  informative: (p) => (p.after > 5 ? [{ interval: '5' }] : []),
  create({ params }) {
    let n = 0;
    return {
      onBar(ctx) {
        n += 1;
        if (n === params.after) ctx.enterLong();
      },
    };
  },
});

describe('SDK definition typing', () => {
  it('a defineStrategy(...) definition is an InstanceConfig definition without a cast', () => {
    const inst: InstanceConfig = {
      id: 'typed',
      definition: typed,
      params: { after: 3 },
      category: 'linear',
      symbol: 'BTCUSDT',
      interval: '1',
      sizing: { mode: 'fixed-notional', notional: dec('1000') },
    };
    const r = runKernelBacktest({
      data: [{ series: { category: 'linear', symbol: 'BTCUSDT', interval: '1' }, bars: bars(flat(100, 6)) }],
      instances: [inst],
      instruments: [instrument('BTCUSDT')],
      limits: limits(),
      approvals: autoApprovals(),
      cash: dec('10000'),
      costs: NO_COSTS,
    });
    // Decided at the third bar's close, filled at the fourth bar's open.
    expect(r.fills.map((f) => [f.side, f.qty.toFixed(), f.ts])).toEqual([['Buy', '10', r.times[3]]]);
  });
});
