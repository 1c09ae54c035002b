// Loads a strategy file the user owns (.ts through tsx, .js by plain import), checks its shape and
// builds one instance; every failure is a result naming the file (file:line when known), never a throw.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ta from 'trading-signals';
import { checkDecls, resolveParams } from './params.js';
import type { ParamDecls, SeriesDecl, StrategyDefinition } from './types.js';

export type LoadResult =
  | {
      readonly ok: true;
      readonly file: string;
      readonly name: string;
      readonly definition: StrategyDefinition;
    }
  | { readonly ok: false; readonly file: string; readonly name: string; readonly error: string };

export const STRATEGY_FILE = /\.(ts|js|mts|mjs)$/;

/** True when a strategy setting names a file rather than a built-in. */
export function isStrategyPath(value: string): boolean {
  return STRATEGY_FILE.test(value) || value.includes('/') || value.includes('\\');
}

/** The name a file's strategy goes by when it declares none: the file name without its extension. */
export function nameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(STRATEGY_FILE, '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** file:line[:col] of the first stack frame inside `file` (tsx maps .ts lines), or of a syntax error. */
export function locate(err: unknown, file: string): string | null {
  const text = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  const href = pathToFileURL(file).href;
  for (const where of [href, file]) {
    const at = text.search(new RegExp(`${escapeRegExp(where)}[?:]`));
    if (at < 0) continue;
    // tsx adds ?tsx-namespace=… to the URL of a file it loaded through tsImport.
    const m = /^(?:\?[^:\s)]*)?:(\d+)(?::(\d+))?/.exec(text.slice(at + where.length));
    if (m) return `${file}:${m[1]}${m[2] ? `:${m[2]}` : ''}`;
  }
  return null;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    // esbuild's transform errors carry the location in their message already; keep the first line.
    const lines = err.message.split('\n');
    const esbuild = lines.find((l) => l.includes('ERROR: '));
    if (esbuild) return esbuild.slice(esbuild.indexOf('ERROR: ') + 7);
    const first = lines.find((l) => l.trim() !== '') ?? err.message;
    return `${err.name === 'Error' ? '' : `${err.name}: `}${first}`;
  }
  return String(err);
}

function failure(file: string, what: string, err?: unknown): LoadResult {
  const where = err === undefined ? null : locate(err, file);
  const detail = err === undefined ? '' : `: ${describe(err)}`;
  return { ok: false, file, name: nameFromFile(file), error: `${where ?? file}: ${what}${detail}` };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Shape problems of an exported definition, as messages; empty when sound. */
export function checkDefinition(def: unknown): string[] {
  if (!isRecord(def))
    return ['the file must export default defineStrategy({...}) (or export const strategy)'];
  const out: string[] = [];
  if (typeof def.create !== 'function') out.push('create(setup) must be a function returning { onBar }');
  if (def.name !== undefined && typeof def.name !== 'string') out.push('name must be a string');
  if (def.params !== undefined) {
    if (!isRecord(def.params)) out.push('params must be an object of { default, min, max } declarations');
    else {
      const bad = Object.entries(def.params).filter(([, d]) => !isRecord(d));
      for (const [n] of bad) out.push(`param ${n}: must be an object { default, min, max, int?, help? }`);
      if (bad.length === 0) out.push(...checkDecls(def.params as ParamDecls));
    }
  }
  for (const key of ['lookback', 'warmup'] as const) {
    const v = def[key];
    const ok = v === undefined || typeof v === 'function' || (Number.isInteger(v) && (v as number) >= 0);
    if (!ok) out.push(`${key} must be a whole number of bars or a function of params`);
  }
  const inf = def.informative;
  if (inf !== undefined && typeof inf !== 'function') {
    if (!Array.isArray(inf)) out.push('informative must be a list of { interval, symbol? }');
    else
      (inf as unknown[]).forEach((s, i) => {
        if (!isRecord(s) || typeof s.interval !== 'string')
          out.push(`informative[${i}] needs an interval string`);
      });
  }
  return out;
}

async function importFile(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (/\.m?js$/.test(file)) return (await import(url)) as Record<string, unknown>;
  // Stack lines then point into the .ts source (tsx emits source maps), wherever bosun itself runs.
  process.setSourceMapsEnabled(true);
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/**
 * Load, check and build one instance with default params (which runs create once, catching its
 * throws). `base` resolves a relative path (the folder of bosun.yaml, or the working directory).
 */
export async function loadStrategyFile(path: string, base: string = process.cwd()): Promise<LoadResult> {
  const file = isAbsolute(path) ? path : resolve(base, path);
  if (!STRATEGY_FILE.test(file)) return failure(file, 'a strategy file must end in .ts or .js');
  let mod: Record<string, unknown>;
  try {
    mod = await importFile(file);
  } catch (err) {
    const code = isRecord(err) ? err.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(file)) {
      return failure(file, 'no such file');
    }
    return failure(file, 'cannot load', err);
  }
  // A .ts file outside a "type": "module" package loads as CommonJS: its exports sit under default.
  const inner =
    isRecord(mod.default) && ('default' in mod.default || 'strategy' in mod.default) ? mod.default : mod;
  const def = inner.default ?? inner.strategy;
  const problems = checkDefinition(def);
  if (problems.length > 0) return failure(file, problems.join('; '));
  const definition = def as StrategyDefinition;
  const name = definition.name ?? nameFromFile(file);
  try {
    const params = resolveParams(name, definition.params ?? {}, {});
    const bad = definition.validate?.(params);
    if (bad) return failure(file, `default params: ${bad.message}`);
    for (const key of ['lookback', 'warmup'] as const) {
      const v = definition[key];
      if (typeof v === 'function' && !(Number.isInteger(v(params)) && v(params) >= 0)) {
        return failure(file, `${key}(params) must return a whole number of bars`);
      }
    }
    const inf = definition.informative;
    const series: readonly SeriesDecl[] = typeof inf === 'function' ? inf(params) : (inf ?? []);
    if (!Array.isArray(series)) return failure(file, 'informative(params) must return a list');
    const handlers = definition.create({ params, symbol: 'BTCUSDT', interval: '1', priceScale: 100, ta });
    if (!isRecord(handlers) || typeof handlers.onBar !== 'function') {
      return failure(file, 'create(setup) must return an object with onBar(ctx)');
    }
  } catch (err) {
    return failure(file, 'create threw', err);
  }
  return { ok: true, file, name, definition };
}
