// bosun.yaml strategy: a built-in name or a .ts/.js file resolved against the folder of bosun.yaml;
// leverage is a per-strategy decimal for linear only.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/platform/config.js';

const base = { id: 'a', symbol: 'BTCUSDT', interval: '1' };

describe('bosun.yaml strategy:', () => {
  it('keeps a built-in name and resolves a file path against the folder of bosun.yaml', () => {
    const cfg = parseConfig(
      {
        strategies: [
          { ...base, strategy: 'sma-cross' },
          { ...base, id: 'b', strategy: 'strategies/mine.ts' },
        ],
      },
      join('/srv', 'bot', 'bosun.yaml'),
    );
    expect(cfg.strategies.map((s) => s.strategy)).toEqual([
      'sma-cross',
      join('/srv', 'bot', 'strategies/mine.ts'),
    ]);
  });

  it('names what is accepted for anything else', () => {
    expect(() => parseConfig({ strategies: [{ ...base, strategy: 'macd' }] })).toThrow(
      'bosun.yaml: strategies.0.strategy: expected a built-in strategy (sma-cross, ema-cross, rsi-reversion, donchian-breakout) or a path to a .ts/.js file',
    );
  });

  it('takes leverage as a decimal on linear and refuses it on spot', () => {
    const cfg = parseConfig({ strategies: [{ ...base, strategy: 'sma-cross', leverage: 3 }] });
    expect(cfg.strategies[0]?.leverage).toBe('3');
    expect(() =>
      parseConfig({ strategies: [{ ...base, strategy: 'sma-cross', category: 'spot', leverage: '2' }] }),
    ).toThrow('bosun.yaml: strategies: "a": leverage applies to linear only, not spot');
    expect(() => parseConfig({ strategies: [{ ...base, strategy: 'sma-cross', leverage: '-1' }] })).toThrow(
      /strategies\.0\.leverage/,
    );
  });
});
