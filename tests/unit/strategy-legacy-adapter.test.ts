// SDK definitions on the legacy path: entries, stops and full exits become Signals; what a Signal
// cannot say is refused naming the strategy, the feature and that it needs the kernel.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import type { BarContext, StrategyDefinition } from '../../src/sdk/types.js';
import { NeedsKernelError, toLegacyFactory } from '../../src/strategies/legacy-adapter.js';
import type { PortfolioView } from '../../src/strategies/types.js';

const flat: PortfolioView = { side: 'flat', size: dec('0'), avgEntry: null, equity: dec('1000') };
const short: PortfolioView = { side: 'short', size: dec('-1'), avgEntry: dec('100'), equity: dec('1000') };
const bar = { openTime: 0, open: 100, high: 101, low: 99, close: 100, volume: 1 };

function once(onBar: (ctx: BarContext) => void, extra: Partial<StrategyDefinition> = {}): StrategyDefinition {
  return { name: 'my-strat', ...extra, create: () => ({ onBar }) };
}

describe('legacy adapter', () => {
  it('turns enterLong with a percent stop into an entry that closes a short first', () => {
    const f = toLegacyFactory(once((ctx) => ctx.enterLong({ stop: { pct: 2 }, reason: 'why' })));
    const s = f.create({}, { priceScale: 100 });
    const sig = s.onBar(bar, short);
    expect(sig).toMatchObject({ exit: true, enter: 'long', reason: 'why' });
    expect(sig?.stop?.toFixed()).toBe('98');
    expect(s.onBar(bar, flat)).toEqual({ enter: 'long', stop: dec('98'), reason: 'why' });
  });

  it('turns a full exit into Signal.exit and nothing asked into null', () => {
    let n = 0;
    const s = toLegacyFactory(once((ctx) => (n++ === 0 ? ctx.exit() : undefined))).create(
      {},
      { priceScale: 1 },
    );
    expect(s.onBar(bar, flat)).toEqual({ exit: true });
    expect(s.onBar(bar, flat)).toBeNull();
  });

  it.each([
    ['a partial exit', (ctx: BarContext) => ctx.exit({ fraction: 0.5 })],
    ['an add to the position', (ctx: BarContext) => ctx.add()],
    ['a limit entry', (ctx: BarContext) => ctx.enterLong({ type: 'limit', price: { pct: -1 } })],
    ['a post-only exit', (ctx: BarContext) => ctx.exit({ type: 'post-only' })],
    ['a take-profit', (ctx: BarContext) => ctx.enterLong({ takeProfit: { pct: 3 } })],
    ['a trailing stop', (ctx: BarContext) => ctx.enterLong({ trailing: { pct: 1 } })],
    ['a stop moved after entry (setStop)', (ctx: BarContext) => ctx.setStop({ pct: 1 })],
    ['an informative series', (ctx: BarContext) => ctx.series('60')],
  ])('refuses %s naming the strategy and the kernel', (feature, onBar) => {
    const s = toLegacyFactory(once(onBar)).create({}, { priceScale: 1 });
    expect(() => s.onBar(bar, flat)).toThrow(NeedsKernelError);
    expect(() => s.onBar(bar, flat)).toThrow(
      `my-strat uses ${feature}, which --compat backtesting.py and today's engine cannot run; it needs the kernel`,
    );
  });

  it('refuses a declared informative series when the instance is built', () => {
    const f = toLegacyFactory(once(() => undefined, { informative: [{ interval: '60' }] }));
    expect(() => f.create({}, { priceScale: 1 })).toThrow('my-strat uses an informative series');
  });

  it('validates params with the declarations and the cross-parameter rule', () => {
    const def: StrategyDefinition = {
      name: 'x',
      params: { a: { default: 1, min: 0, max: 5 }, b: { default: 2, min: 0, max: 5 } },
      validate: (p) => ((p.a ?? 0) < (p.b ?? 0) ? null : { param: 'a', message: 'param a must be below b' }),
      create: () => ({ onBar: () => undefined }),
    };
    const f = toLegacyFactory(def);
    expect(f.parseParams({ a: '0.5' })).toEqual({ a: 0.5, b: 2 });
    expect(() => f.parseParams({ a: 3 })).toThrow('x param a must be below b');
    expect(() => f.parseParams({ a: 9 })).toThrow('x param a must be a number from 0 to 5, got 9');
    expect(f.params.map((p) => p.name)).toEqual(['a', 'b']);
  });
});
