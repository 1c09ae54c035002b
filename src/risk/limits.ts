// Risk limits from bosun.yaml's `risk` block plus the operator's `/risk set` overrides (risk_settings rows).
// Every override is validated with a message that names the key and the accepted form.
import { dec, toPlain, tryDec, type Decimal } from '../domain/decimal.js';
import { ConfigError } from '../platform/errors.js';
import type { RiskLimits } from './types.js';

/** The validated `risk` block of bosun.yaml (src/platform/config.ts), restated here so risk stays pure. */
export interface RiskConfigInput {
  readonly maxNotionalPerSymbol: string;
  readonly maxGrossExposure: string;
  readonly maxLeverage: string;
  readonly maxOpenPositions: number;
  readonly dailyLossLimit: string;
  readonly maxDrawdownPct: string;
  readonly flattenOnDrawdown: boolean;
  readonly priceBandPct: string;
  readonly staleDataSeconds: number;
  readonly lossCooldown: { readonly losses: number; readonly minutes: number };
}

/** Keys `/risk set` accepts: bosun.yaml's names, nested ones dotted. */
export const RISK_LIMIT_KEYS = [
  'maxNotionalPerSymbol',
  'maxGrossExposure',
  'maxLeverage',
  'maxOpenPositions',
  'dailyLossLimit',
  'maxDrawdownPct',
  'flattenOnDrawdown',
  'priceBandPct',
  'staleDataSeconds',
  'lossCooldown.losses',
  'lossCooldown.minutes',
] as const;
export type RiskLimitKey = (typeof RISK_LIMIT_KEYS)[number];

type Kind =
  | { type: 'amount' }
  | { type: 'percent' }
  | { type: 'ratio' }
  | { type: 'int'; min: number }
  | { type: 'bool' };

const KINDS: Record<RiskLimitKey, Kind> = {
  maxNotionalPerSymbol: { type: 'amount' },
  maxGrossExposure: { type: 'amount' },
  maxLeverage: { type: 'ratio' },
  maxOpenPositions: { type: 'int', min: 0 },
  dailyLossLimit: { type: 'amount' },
  maxDrawdownPct: { type: 'percent' },
  flattenOnDrawdown: { type: 'bool' },
  priceBandPct: { type: 'percent' },
  staleDataSeconds: { type: 'int', min: 1 },
  'lossCooldown.losses': { type: 'int', min: 1 },
  'lossCooldown.minutes': { type: 'int', min: 1 },
};

const FORMS: Record<Kind['type'], string> = {
  amount: 'a non-negative amount in quote coin like "25000"',
  percent: 'a percentage above 0 and at most 100 like "20"',
  ratio: 'a number above 0 like "3"',
  int: 'a whole number',
  bool: 'true or false',
};

const squash = (k: string): string => k.toLowerCase().replace(/[^a-z0-9]/g, '');
const BY_SQUASHED = new Map<string, RiskLimitKey>(RISK_LIMIT_KEYS.map((k) => [squash(k), k]));

export type RiskLimitParse = { ok: true; key: RiskLimitKey; value: string } | { ok: false; message: string };

function formOf(kind: Kind): string {
  return kind.type === 'int' ? `${FORMS.int} ≥ ${kind.min}` : FORMS[kind.type];
}

function parseValue(kind: Kind, raw: string): string | null {
  const v = raw.trim().replace(/,/g, '');
  switch (kind.type) {
    case 'bool': {
      const b = v.toLowerCase();
      if (['true', 'yes', 'on'].includes(b)) return 'true';
      if (['false', 'no', 'off'].includes(b)) return 'false';
      return null;
    }
    case 'int':
      return /^\d{1,9}$/.test(v) && Number(v) >= kind.min ? String(Number(v)) : null;
    default: {
      const d = /^\d+(\.\d+)?%?$/.test(v) ? tryDec(v.replace(/%$/, '')) : null;
      if (d === null) return null;
      if (kind.type === 'percent' && (d.lte(0) || d.gt(100))) return null;
      if (kind.type === 'ratio' && d.lte(0)) return null;
      return toPlain(d);
    }
  }
}

/** Validate one `/risk set KEY VALUE`; the key is matched ignoring case, dashes and underscores. */
export function parseRiskLimitValue(key: string, value: string): RiskLimitParse {
  const k = BY_SQUASHED.get(squash(key));
  if (k === undefined) {
    return {
      ok: false,
      message: `unknown risk limit "${key}"; accepted keys: ${RISK_LIMIT_KEYS.join(', ')}`,
    };
  }
  const kind = KINDS[k];
  const parsed = parseValue(kind, value);
  if (parsed === null)
    return { ok: false, message: `${k}: "${value}" is not valid; expected ${formOf(kind)}` };
  return { ok: true, key: k, value: parsed };
}

function configStrings(cfg: RiskConfigInput): Record<RiskLimitKey, string> {
  return {
    maxNotionalPerSymbol: cfg.maxNotionalPerSymbol,
    maxGrossExposure: cfg.maxGrossExposure,
    maxLeverage: cfg.maxLeverage,
    maxOpenPositions: String(cfg.maxOpenPositions),
    dailyLossLimit: cfg.dailyLossLimit,
    maxDrawdownPct: cfg.maxDrawdownPct,
    flattenOnDrawdown: String(cfg.flattenOnDrawdown),
    priceBandPct: cfg.priceBandPct,
    staleDataSeconds: String(cfg.staleDataSeconds),
    'lossCooldown.losses': String(cfg.lossCooldown.losses),
    'lossCooldown.minutes': String(cfg.lossCooldown.minutes),
  };
}

/** The limits as `/risk` shows them and risk_settings stores them: canonical strings by key. */
export function riskLimitStrings(limits: RiskLimits): Record<RiskLimitKey, string> {
  const d = (v: Decimal): string => toPlain(v);
  return {
    maxNotionalPerSymbol: d(limits.maxNotionalPerSymbol),
    maxGrossExposure: d(limits.maxGrossExposure),
    maxLeverage: d(limits.maxLeverage),
    maxOpenPositions: String(limits.maxOpenPositions),
    dailyLossLimit: d(limits.dailyLossLimit),
    maxDrawdownPct: d(limits.maxDrawdownPct),
    flattenOnDrawdown: String(limits.flattenOnDrawdown),
    priceBandPct: d(limits.priceBandPct),
    staleDataSeconds: String(limits.staleDataMs / 1000),
    'lossCooldown.losses': String(limits.lossCooldown.losses),
    'lossCooldown.minutes': String(limits.lossCooldown.minutes),
  };
}

/**
 * Config values with the stored overrides on top. A stored override that no longer validates stops
 * start-up (ConfigError naming the key) rather than being skipped: a silently dropped limit is worse.
 */
export function limitsFromConfig(
  cfg: RiskConfigInput,
  overrides: Readonly<Record<string, string>> = {},
): RiskLimits {
  const s = configStrings(cfg);
  for (const [key, value] of Object.entries(overrides)) {
    const r = parseRiskLimitValue(key, value);
    if (!r.ok) throw new ConfigError(`risk_settings: ${r.message}`);
    s[r.key] = r.value;
  }
  return {
    maxNotionalPerSymbol: dec(s.maxNotionalPerSymbol),
    maxGrossExposure: dec(s.maxGrossExposure),
    maxLeverage: dec(s.maxLeverage),
    maxOpenPositions: Number(s.maxOpenPositions),
    dailyLossLimit: dec(s.dailyLossLimit),
    maxDrawdownPct: dec(s.maxDrawdownPct),
    flattenOnDrawdown: s.flattenOnDrawdown === 'true',
    priceBandPct: dec(s.priceBandPct),
    staleDataMs: Number(s.staleDataSeconds) * 1000,
    lossCooldown: { losses: Number(s['lossCooldown.losses']), minutes: Number(s['lossCooldown.minutes']) },
  };
}
