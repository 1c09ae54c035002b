// Request parameters as Bybit accepts them: query strings (all text) and JSON bodies (strings, numbers,
// booleans). Bad or missing values become retCode 10001, as on the real API.
import { type Decimal, tryDec } from '../../domain/decimal.js';
import { RET, fail } from './errors.js';
import { findInstrument, type SimInstrument } from './instruments.js';

export class Params {
  constructor(private readonly raw: Readonly<Record<string, unknown>>) {}

  static fromQuery(query: string): Params {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(query)) out[k] = v;
    return new Params(out);
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    fail(RET.paramError, `params error: ${name} invalid`);
  }

  /** Empty strings count as absent: the SDK and many clients send "" for unset optional fields. */
  opt(name: string): string | undefined {
    const v = this.str(name);
    return v === undefined || v === '' ? undefined : v;
  }

  req(name: string): string {
    const v = this.opt(name);
    if (v === undefined)
      fail(RET.paramError, `Missing some parameters that must be filled in, pls check = ${name}`);
    return v;
  }

  dec(name: string): Decimal | undefined {
    const v = this.opt(name);
    if (v === undefined) return undefined;
    const d = tryDec(v);
    if (!d || !d.isFinite()) fail(RET.paramError, `params error: ${name} invalid`);
    return d;
  }

  bool(name: string): boolean {
    const v = this.raw[name];
    return v === true || v === 'true' || v === 1 || v === '1';
  }

  int(name: string, dflt: number, min: number, max: number): number {
    const v = this.opt(name);
    if (v === undefined) return dflt;
    if (!/^-?\d+$/.test(v)) fail(RET.paramError, `params error: ${name} invalid`);
    const n = Number(v);
    if (n < min || n > max) fail(RET.paramError, `params error: ${name} must be between ${min} and ${max}`);
    return n;
  }

  time(name: string): number | undefined {
    const v = this.opt(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) fail(RET.paramError, `params error: ${name} invalid`);
    return Number(v);
  }
}

export const CATS = ['linear', 'spot'] as const;
export type Cat = (typeof CATS)[number];

export function category(p: Params, allowed: readonly Cat[] = CATS): Cat {
  const c = p.opt('category');
  if (c === undefined)
    fail(RET.paramError, 'Missing some parameters that must be filled in, pls check = category');
  if (!(allowed as readonly string[]).includes(c)) {
    fail(RET.paramError, `params error: category only support ${allowed.join(', ')}`);
  }
  return c as Cat;
}

export function instrument(cat: Cat, symbol: string | undefined): SimInstrument {
  if (symbol === undefined)
    fail(RET.paramError, 'Missing some parameters that must be filled in, pls check = symbol');
  const inst = findInstrument(cat, symbol);
  if (!inst) fail(RET.paramError, 'params error: symbol invalid');
  return inst;
}

/** Opaque page cursor: the seq of the last row sent (rows are listed newest first, by seq). */
export function encodeCursor(seq: number): string {
  return encodeURIComponent(`${seq}:0`);
}

export function decodeCursor(p: Params): number | undefined {
  let c = p.opt('cursor');
  if (c === undefined) return undefined;
  // The SDK URI-encodes the cursor we handed out, so the query parser may leave one layer of encoding on it.
  for (let i = 0; i < 2 && c.includes('%'); i++) c = decodeURIComponent(c);
  const m = /^(\d+):\d+$/.exec(c);
  if (!m) fail(RET.paramError, 'params error: cursor invalid');
  return Number(m[1]);
}
