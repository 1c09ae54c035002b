// zod schemas for command argument tokens: symbols, decimals (never floats), "$500" notionals, counts
// and ids. Each failure message names the token and says what is accepted.
import { z } from 'zod';
import { Decimal } from '../../domain/decimal.js';

const PLAIN_DECIMAL = /^(\d{1,20}(\.\d{1,18})?|\.\d{1,18})$/;
const QUOTES = /(USDT|USDC|USD|BTC|ETH|EUR|DAI)$/;

export type Amount = { kind: 'qty'; value: Decimal } | { kind: 'notional'; value: Decimal };

/** A strictly positive decimal written plainly ("0.01", "250", ".5"), as a Decimal. */
export function parsePositiveDecimal(raw: string): Decimal | string {
  const s = raw.trim().replace(/_/g, '');
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) || /^\d+,\d+$/.test(s)) {
    return `"${raw}": write numbers with a dot and no separators, like 1000.5`;
  }
  if (!PLAIN_DECIMAL.test(s)) return `"${raw}" is not a number like 0.01 or 250`;
  const d = new Decimal(s);
  if (d.lte(0)) return `"${raw}" must be greater than zero`;
  return d;
}

export const zDecimal = z.string().transform((s, ctx) => {
  const d = parsePositiveDecimal(s);
  if (typeof d === 'string') {
    ctx.addIssue({ code: 'custom', message: d });
    return z.NEVER;
  }
  return d;
});

/** "0.01" is a quantity in base units; "$500", "500$" or "500usdt" is a notional in the quote coin. */
export const zAmount = z.string().transform((s, ctx): Amount => {
  const m = /^\$(.+)$|^(.+?)(\$|usdt|usd)$/i.exec(s.trim());
  const body = m ? (m[1] ?? m[2] ?? '') : s;
  const d = parsePositiveDecimal(body);
  if (typeof d === 'string') {
    ctx.addIssue({ code: 'custom', message: `${d} (a quantity like 0.01, or a notional like $500)` });
    return z.NEVER;
  }
  return m ? { kind: 'notional', value: d } : { kind: 'qty', value: d };
});

/** Upper-cased; a bare coin ("btc") means its USDT pair. */
export const zSymbol = z.string().transform((s, ctx) => {
  const up = s.trim().toUpperCase().replace(/[-/]/g, '');
  if (!/^[A-Z0-9]{2,20}$/.test(up)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a symbol like BTCUSDT` });
    return z.NEVER;
  }
  return QUOTES.test(up) && up.length > 4 ? up : `${up}USDT`;
});

export function zInt(label: string, min: number, max: number) {
  return z.string().transform((s, ctx) => {
    const t = s.trim();
    const n = /^\d{1,9}$/.test(t) ? Number(t) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${label} must be a whole number from ${min} to ${max}, got "${s}"`,
      });
      return z.NEVER;
    }
    return n;
  });
}

/** "#12" or "12". */
export const zId = z.string().transform((s, ctx) => {
  const t = s.trim().replace(/^#/, '');
  const n = /^\d{1,12}$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not an id like 12 or #12` });
    return z.NEVER;
  }
  return n;
});

/** One of a fixed set of words, case-insensitive. */
export function zWord<const T extends readonly [string, ...string[]]>(words: T) {
  return z.string().transform((s, ctx): T[number] => {
    const w = s.trim().toLowerCase();
    const hit = words.find((x) => x === w);
    if (hit === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not one of: ${words.join(', ')}` });
      return z.NEVER;
    }
    return hit;
  });
}

/** No arguments at all. */
export const zNone = z.tuple([]);

/** Explain a failed parse in one line: the first specific complaint, else missing or extra words. */
export function explainArgsError(err: z.ZodError, tokens: string[]): string {
  const flat: z.core.$ZodIssue[] = [];
  const walk = (issues: readonly z.core.$ZodIssue[]): void => {
    for (const i of issues) {
      if (i.code === 'invalid_union') for (const branch of i.errors) walk(branch);
      else flat.push(i);
    }
  };
  walk(err.issues);
  const custom = flat.find((i) => i.code === 'custom');
  if (custom) return custom.message;
  const literal = flat.find((i) => i.code === 'invalid_value');
  if (literal && tokens.length > 0) return `"${tokens[0]}" is not a subcommand here`;
  if (flat.some((i) => i.code === 'too_small')) return 'missing argument';
  if (flat.some((i) => i.code === 'too_big')) return 'too many arguments';
  return 'arguments do not match';
}
