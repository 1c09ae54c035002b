// Strategy parameters: defaults, numeric strings from the command line, and errors that name the
// parameter and the accepted range; the registry names every accepted strategy.
import { describe, expect, it } from 'vitest';
import { getStrategy, listStrategies, STRATEGY_NAMES } from '../../src/strategies/registry.js';
import { StrategyParamError } from '../../src/strategies/params.js';

describe('params', () => {
  it('fills defaults and accepts numeric strings', () => {
    expect(getStrategy('sma-cross').parseParams({})).toEqual({ fast: 10, slow: 30 });
    expect(getStrategy('sma-cross').parseParams({ fast: '5', slow: ' 20 ' })).toEqual({ fast: 5, slow: 20 });
    expect(getStrategy('rsi-reversion').parseParams({ lower: '25.5' })).toEqual({
      period: 14,
      lower: 25.5,
      upper: 70,
    });
    expect(getStrategy('donchian-breakout').parseParams({ period: 55 })).toEqual({ entry: 55, exit: 10 });
  });

  it.each([
    [
      'sma-cross',
      { fast: '1.5' },
      'fast',
      'sma-cross param fast must be an integer from 1 to 10000, got "1.5"',
    ],
    [
      'sma-cross',
      { slow: 'abc' },
      'slow',
      'sma-cross param slow must be an integer from 2 to 10000, got "abc"',
    ],
    ['ema-cross', { fast: 0 }, 'fast', 'ema-cross param fast must be an integer from 1 to 10000, got 0'],
    [
      'rsi-reversion',
      { upper: 120 },
      'upper',
      'rsi-reversion param upper must be a number from 0 to 100, got 120',
    ],
    ['sma-cross', { fast: 30, slow: 10 }, 'fast', 'sma-cross param fast (30) must be less than slow (10)'],
    ['rsi-reversion', { lower: 80 }, 'lower', 'rsi-reversion param lower (80) must be less than upper (70)'],
    ['sma-cross', { length: 3 }, 'length', 'sma-cross has no param "length"; accepted: fast, slow'],
    [
      'donchian-breakout',
      { period: 20, entry: 10 },
      'period',
      'donchian-breakout takes period or entry, not both',
    ],
  ])('%s %j is refused naming %s', (name, raw, param, message) => {
    const parse = () => getStrategy(name).parseParams(raw);
    expect(parse).toThrow(StrategyParamError);
    expect(parse).toThrow(message);
    try {
      parse();
    } catch (e) {
      expect((e as StrategyParamError).param).toBe(param);
    }
  });

  it('create validates as parseParams does', () => {
    expect(() => getStrategy('ema-cross').create({ slow: -1 }, { priceScale: 1 })).toThrow(/param slow/);
  });
});

describe('registry', () => {
  it('lists the four built-ins and refuses unknown names, listing the accepted ones', () => {
    expect(listStrategies().map((f) => f.name)).toEqual([...STRATEGY_NAMES]);
    expect(STRATEGY_NAMES).toEqual(['sma-cross', 'ema-cross', 'rsi-reversion', 'donchian-breakout']);
    expect(() => getStrategy('macd')).toThrow(
      'unknown strategy "macd"; accepted: sma-cross, ema-cross, rsi-reversion, donchian-breakout',
    );
  });

  it('documents every parameter with its default and range', () => {
    for (const f of listStrategies()) {
      for (const p of f.params) {
        expect(p.default).toBeGreaterThanOrEqual(p.min);
        expect(p.default).toBeLessThanOrEqual(p.max);
        expect(p.help.length).toBeGreaterThan(5);
      }
    }
  });
});
