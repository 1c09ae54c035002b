// bosun.yaml: strategies, risk limits, approval policy and alert routing, validated with zod.
// Unknown keys are errors that name the key; every key has a safe default.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';

const decimalString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+(\.\d+)?$/.test(v), {
    message: 'expected a non-negative decimal like "1000" or "2.5"',
  });

const INTERVALS = ['1', '3', '5', '15', '30', '60', '120', '240', '360', '720', 'D', 'W', 'M'] as const;
export const STRATEGY_NAMES = ['sma-cross', 'ema-cross', 'rsi-reversion', 'donchian-breakout'] as const;
const STRATEGY_FILE = /\.(ts|js|mts|mjs)$/;
const isStrategyName = (v: string): boolean => (STRATEGY_NAMES as readonly string[]).includes(v);

const sizing = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('fixed-notional'), notional: decimalString }),
  z.strictObject({ mode: z.literal('risk-fraction'), riskPct: decimalString, stopPct: decimalString }),
  z.strictObject({
    mode: z.literal('atr'),
    riskPct: decimalString,
    atrPeriod: z.number().int().min(2).max(500).default(14),
    atrMultiple: decimalString.default('2'),
  }),
]);

const strategyInstance = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected 1-32 chars of a-z 0-9 - (stable id)'),
  // A built-in name, or a .ts/.js strategy file (resolved against the folder of bosun.yaml below).
  strategy: z.string().refine((v) => isStrategyName(v) || STRATEGY_FILE.test(v), {
    message: `expected a built-in strategy (${STRATEGY_NAMES.join(', ')}) or a path to a .ts/.js file`,
  }),
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'expected an upper-case symbol like BTCUSDT'),
  category: z.enum(['linear', 'spot']).default('linear'),
  interval: z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .pipe(z.enum(INTERVALS)),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  sizing: sizing.default({ mode: 'fixed-notional', notional: '100' }),
  enabled: z.boolean().default(true),
  /** Per-strategy leverage on linear (a decimal like "3"); unset leaves the account's. */
  leverage: decimalString.optional(),
});

const risk = z
  .strictObject({
    maxNotionalPerSymbol: decimalString.default('25000'),
    maxGrossExposure: decimalString.default('50000'),
    maxLeverage: decimalString.default('3'),
    maxOpenPositions: z.number().int().min(0).default(5),
    dailyLossLimit: decimalString.default('500'),
    maxDrawdownPct: decimalString.default('20'),
    flattenOnDrawdown: z.boolean().default(false),
    priceBandPct: decimalString.default('2'),
    staleDataSeconds: z.number().int().min(1).default(180),
    lossCooldown: z
      .strictObject({
        losses: z.number().int().min(1).default(3),
        minutes: z.number().int().min(1).default(60),
      })
      .prefault({}),
  })
  .prefault({});

const approvals = z
  .strictObject({
    mode: z.enum(['auto', 'manual', 'threshold']).default('threshold'),
    autoBelowNotional: decimalString.default('1000'),
    quorumAboveNotional: decimalString.default('20000'),
    quorum: z.number().int().min(1).max(10).default(2),
    ttlSeconds: z.number().int().min(10).max(86400).default(120),
    repriceTolerancePct: decimalString.default('0.5'),
  })
  .prefault({});

const channel = z.enum(['slack', 'telegram', 'console']);
const alerts = z
  .strictObject({
    routes: z
      .strictObject({
        risk: z.array(channel).default(['slack', 'telegram', 'console']),
        fills: z.array(channel).default(['telegram', 'console']),
        approvals: z.array(channel).default(['slack', 'telegram', 'console']),
        system: z.array(channel).default(['slack', 'telegram', 'console']),
        digest: z.array(channel).default(['slack', 'telegram']),
      })
      .prefault({}),
    digestHour: z.number().int().min(0).max(23).default(8),
    timezone: z
      .string()
      .default('UTC')
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'expected an IANA timezone like "UTC" or "Europe/Berlin"' },
      ),
    heartbeatMinutes: z.number().int().min(1).default(30),
  })
  .prefault({});

/** The dashboard and REST API on BOSUN_HTTP_PORT; absent = off unless BOSUN_WEB=on. */
const web = z.strictObject({
  enabled: z.boolean().default(true),
  /** Interface BOSUN_HTTP_PORT binds when the dashboard is on; default all (container probes). */
  host: z.string().min(1).optional(),
  /** The address people open (https:// of the TLS proxy in front); login links point here. */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s):// URL like https://bosun.example.com' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits, audit). */
  trustProxy: z.boolean().default(false),
  loginLinkMinutes: z.number().int().min(1).max(60).default(10),
  sessionHours: z.number().int().min(1).max(720).default(12),
  rateLimitPerMinute: z.number().int().min(10).max(100_000).default(240),
});

export const configSchema = z.strictObject({
  strategies: z.array(strategyInstance).default([]),
  risk,
  approvals,
  alerts,
  web: web.optional(),
});

export type BosunConfig = z.infer<typeof configSchema>;
export type StrategyInstanceConfig = BosunConfig['strategies'][number];
export type RiskConfig = BosunConfig['risk'];
export type ApprovalConfig = BosunConfig['approvals'];
export type WebConfig = NonNullable<BosunConfig['web']>;

function formatIssue(file: string, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? `${path}.` : '';
    return `${file}: unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')}`;
  }
  return `${file}: ${path || '(top level)'}: ${issue.message}`;
}

/** Validate a parsed config object; throws ConfigError naming the first bad key. */
export function parseConfig(raw: unknown, file = 'bosun.yaml'): BosunConfig {
  const res = configSchema.safeParse(raw ?? {});
  if (!res.success) {
    const first = res.error.issues[0];
    throw new ConfigError(first ? formatIssue(file, first) : `${file}: invalid`);
  }
  const ids = new Set<string>();
  for (const s of res.data.strategies) {
    if (ids.has(s.id))
      throw new ConfigError(`${file}: strategies: duplicate id "${s.id}" (ids must be unique)`);
    ids.add(s.id);
    if (s.leverage !== undefined && s.category !== 'linear')
      throw new ConfigError(
        `${file}: strategies: "${s.id}": leverage applies to linear only, not ${s.category}`,
      );
    if (!isStrategyName(s.strategy) && !isAbsolute(s.strategy))
      s.strategy = resolvePath(dirname(file), s.strategy);
  }
  return res.data;
}

/** Load BOSUN_CONFIG, else ./bosun.yaml if present, else built-in safe defaults. */
export function loadConfig(path: string | undefined): { config: BosunConfig; source: string } {
  const file = path ?? './bosun.yaml';
  if (!existsSync(file)) {
    if (path)
      throw new ConfigError(`BOSUN_CONFIG="${path}" is invalid: expected a readable YAML file (not found)`);
    return { config: parseConfig({}), source: 'built-in defaults' };
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ConfigError(`${file}: not valid YAML: ${msg}`);
  }
  return { config: parseConfig(raw, file), source: file };
}
