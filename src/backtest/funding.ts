// Funding rates for a perpetual backtest: Bybit's funding history as /v5/market/funding/history returns it
// (the whole response or its `list`), a CSV of time and rate, or one flat rate charged at Bybit's funding
// times (00:00, 08:00, 16:00 UTC). https://bybit-exchange.github.io/docs/v5/market/history-fund-rate
import { readFile } from 'node:fs/promises';
import type { Decimal } from '../domain/decimal.js';
import { tryDec } from '../domain/decimal.js';
import type { FundingSeries } from '../kernel/backtest.js';
import { CandleDataError } from './candles.js';
import { parseTime } from './data-cells.js';

const EIGHT_HOURS = 8 * 3_600_000;

/** A rate every 8 hours on Bybit's schedule, over [from, to]. */
export function flatFunding(rate: Decimal, from: number, to: number): FundingSeries {
  const times: number[] = [];
  for (let t = Math.ceil(from / EIGHT_HOURS) * EIGHT_HOURS; t <= to; t += EIGHT_HOURS) times.push(t);
  return { times, rates: times.map(() => rate) };
}

function sorted(rows: { t: number; rate: Decimal }[], what: string): FundingSeries {
  if (rows.length === 0) throw new CandleDataError(`${what}: no funding rates in it`);
  rows.sort((a, b) => a.t - b.t);
  return { times: rows.map((r) => r.t), rates: rows.map((r) => r.rate) };
}

function rateOf(v: unknown, what: string, row: number): Decimal {
  const d = typeof v === 'string' || typeof v === 'number' ? tryDec(String(v)) : null;
  if (!d) throw new CandleDataError(`${what}: row ${row}: funding rate "${String(v)}" is not a decimal`);
  return d;
}

function parseJson(text: string, what: string): FundingSeries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CandleDataError(`${what}: not valid JSON`);
  }
  const list = Array.isArray(doc)
    ? doc
    : ((doc as { result?: { list?: unknown } }).result?.list ?? (doc as { list?: unknown }).list);
  if (!Array.isArray(list))
    throw new CandleDataError(
      `${what}: expected Bybit's funding history (a list of {fundingRate, fundingRateTimestamp})`,
    );
  return sorted(
    list.map((e: unknown, k) => {
      const o = (e ?? {}) as Record<string, unknown>;
      const ts = o.fundingRateTimestamp ?? o.timestamp ?? o.time;
      if (ts === undefined) throw new CandleDataError(`${what}: row ${k + 1}: no fundingRateTimestamp`);
      const t = parseTime(String(ts), { what, row: k + 1, column: 'fundingRateTimestamp' });
      return { t, rate: rateOf(o.fundingRate ?? o.rate, what, k + 1) };
    }),
    what,
  );
}

function parseCsvRates(text: string, what: string): FundingSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const ti = head.findIndex((h) => /time|date/.test(h));
  const ri = head.findIndex((h) => /rate/.test(h));
  if (ti < 0 || ri < 0)
    throw new CandleDataError(
      `${what}: expected a header with a time and a rate column, e.g. "timestamp,fundingRate"`,
    );
  return sorted(
    lines.slice(1).map((l, k) => {
      const cells = l.split(',');
      const t = parseTime(cells[ti] ?? '', { what, row: k + 1, column: head[ti] ?? 'time' });
      return { t, rate: rateOf(cells[ri]?.trim(), what, k + 1) };
    }),
    what,
  );
}

/** `--funding FILE|RATE` for the span of the data. */
export async function loadFunding(spec: string, from: number, to: number): Promise<FundingSeries> {
  const flat = /^-?\d+(\.\d+)?$/.test(spec.trim()) ? tryDec(spec.trim()) : null;
  if (flat) return flatFunding(flat, from, to);
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CandleDataError(
      `${spec}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'} (--funding takes a file or a rate like 0.0001)`,
    );
  }
  const head = text.trimStart()[0];
  return head === '[' || head === '{' ? parseJson(text, spec) : parseCsvRates(text, spec);
}
