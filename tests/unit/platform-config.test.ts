import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/platform/config.js';

function message(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('bosun.yaml', () => {
  it('fills safe defaults for every key', () => {
    const c = parseConfig({});
    expect(c.strategies).toEqual([]);
    expect(c.approvals).toMatchObject({ mode: 'threshold', ttlSeconds: 120, quorum: 2 });
    expect(c.risk).toMatchObject({
      maxLeverage: '3',
      maxOpenPositions: 5,
      lossCooldown: { losses: 3, minutes: 60 },
    });
  });

  it('names unknown keys with their path', () => {
    expect(message({ risk: { maxLeverag: '3' } })).toBe('bosun.yaml: unknown key "risk.maxLeverag"');
    expect(message({ strategy: [] })).toBe('bosun.yaml: unknown key "strategy"');
  });

  it('names a bad value and what is accepted', () => {
    expect(message({ risk: { dailyLossLimit: 'lots' } })).toMatch(
      /risk\.dailyLossLimit: expected a non-negative decimal/,
    );
    expect(
      message({ strategies: [{ id: 'a', strategy: 'macd', symbol: 'BTCUSDT', interval: '1' }] }),
    ).toMatch(/strategies\.0\.strategy: .*sma-cross/);
    expect(
      message({ strategies: [{ id: 'a', strategy: 'sma-cross', symbol: 'BTCUSDT', interval: '2' }] }),
    ).toMatch(/strategies\.0\.interval/);
  });

  it('rejects duplicate strategy ids', () => {
    const s = { id: 'x', strategy: 'sma-cross', symbol: 'BTCUSDT', interval: '1' };
    expect(message({ strategies: [s, s] })).toMatch(/duplicate id "x"/);
  });

  it('loads the file named by BOSUN_CONFIG and reports YAML syntax errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-cfg-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'strategies:\n  - { id: btc-sma, strategy: sma-cross, symbol: BTCUSDT, interval: 1 }\n',
    );
    expect(loadConfig(good).config.strategies[0]).toMatchObject({
      id: 'btc-sma',
      interval: '1',
      category: 'linear',
    });
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'risk: [unclosed\n');
    expect(() => loadConfig(broken)).toThrow(/not valid YAML/);
    expect(() => loadConfig(join(dir, 'missing.yaml'))).toThrow(/BOSUN_CONFIG=.*not found/);
  });

  it('ships an example that validates', () => {
    expect(loadConfig('bosun.example.yaml').config.strategies.length).toBeGreaterThan(0);
  });
});
