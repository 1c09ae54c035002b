// Risk limits: bosun.yaml's risk block plus `/risk set` overrides, validated with messages naming the key.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/platform/config.js';
import { ConfigError } from '../../src/platform/errors.js';
import {
  limitsFromConfig,
  parseRiskLimitValue,
  RISK_LIMIT_KEYS,
  riskLimitStrings,
} from '../../src/risk/limits.js';

const defaults = parseConfig({}).risk;

describe('limitsFromConfig', () => {
  it('turns the defaults into Decimal limits, stale data into milliseconds', () => {
    const l = limitsFromConfig(defaults);
    expect(riskLimitStrings(l)).toEqual({
      maxNotionalPerSymbol: '25000',
      maxGrossExposure: '50000',
      maxLeverage: '3',
      maxOpenPositions: '5',
      dailyLossLimit: '500',
      maxDrawdownPct: '20',
      flattenOnDrawdown: 'false',
      priceBandPct: '2',
      staleDataSeconds: '180',
      'lossCooldown.losses': '3',
      'lossCooldown.minutes': '60',
    });
    expect(l.staleDataMs).toBe(180_000);
    expect(l.maxLeverage.toFixed()).toBe('3');
  });

  it('lays the stored overrides over the file', () => {
    const cfg = parseConfig({ risk: { maxLeverage: '5', lossCooldown: { losses: 2 } } }).risk;
    const l = limitsFromConfig(cfg, {
      maxNotionalPerSymbol: '10000',
      flattenOnDrawdown: 'yes',
      'lossCooldown.minutes': '15',
      staleDataSeconds: '30',
    });
    expect([l.maxLeverage.toFixed(), l.maxNotionalPerSymbol.toFixed(), l.flattenOnDrawdown]).toEqual([
      '5',
      '10000',
      true,
    ]);
    expect(l.lossCooldown).toEqual({ losses: 2, minutes: 15 });
    expect(l.staleDataMs).toBe(30_000);
  });

  it('refuses a stored override that no longer validates, naming the key', () => {
    expect(() => limitsFromConfig(defaults, { maxLeverage: '0' })).toThrow(ConfigError);
    expect(() => limitsFromConfig(defaults, { maxLeverage: '0' })).toThrow(
      'risk_settings: maxLeverage: "0" is not valid; expected a number above 0 like "3"',
    );
    expect(() => limitsFromConfig(defaults, { maxPositions: '3' })).toThrow(
      /unknown risk limit "maxPositions"/,
    );
  });
});

describe('parseRiskLimitValue (/risk set)', () => {
  it('normalises accepted values and matches keys loosely', () => {
    expect(parseRiskLimitValue('max_notional_per_symbol', '25,000')).toEqual({
      ok: true,
      key: 'maxNotionalPerSymbol',
      value: '25000',
    });
    expect(parseRiskLimitValue('maxdrawdownpct', '12.50%')).toEqual({
      ok: true,
      key: 'maxDrawdownPct',
      value: '12.5',
    });
    expect(parseRiskLimitValue('flattenOnDrawdown', 'OFF')).toEqual({
      ok: true,
      key: 'flattenOnDrawdown',
      value: 'false',
    });
    expect(parseRiskLimitValue('lossCooldown.losses', '4')).toEqual({
      ok: true,
      key: 'lossCooldown.losses',
      value: '4',
    });
    expect(parseRiskLimitValue('maxOpenPositions', '0')).toMatchObject({ ok: true, value: '0' });
  });

  it.each([
    [
      'maxGrossExposure',
      '-5',
      'maxGrossExposure: "-5" is not valid; expected a non-negative amount in quote coin like "25000"',
    ],
    [
      'priceBandPct',
      '150',
      'priceBandPct: "150" is not valid; expected a percentage above 0 and at most 100 like "20"',
    ],
    [
      'maxDrawdownPct',
      '0',
      'maxDrawdownPct: "0" is not valid; expected a percentage above 0 and at most 100 like "20"',
    ],
    ['staleDataSeconds', '0', 'staleDataSeconds: "0" is not valid; expected a whole number ≥ 1'],
    ['maxOpenPositions', '2.5', 'maxOpenPositions: "2.5" is not valid; expected a whole number ≥ 0'],
    ['flattenOnDrawdown', 'maybe', 'flattenOnDrawdown: "maybe" is not valid; expected true or false'],
    [
      'dailyLossLimit',
      '1e3',
      'dailyLossLimit: "1e3" is not valid; expected a non-negative amount in quote coin like "25000"',
    ],
  ])('%s %s is refused with the accepted form', (key, value, message) => {
    expect(parseRiskLimitValue(key, value)).toEqual({ ok: false, message });
  });

  it('lists the accepted keys for an unknown one', () => {
    const r = parseRiskLimitValue('leverage', '3');
    expect(r).toEqual({
      ok: false,
      message: `unknown risk limit "leverage"; accepted keys: ${RISK_LIMIT_KEYS.join(', ')}`,
    });
  });
});
