// Bar-open time spans (inclusive) a download has covered, merged when they touch, and the bars missing
// inside them: what makes a download resumable and its gaps reportable.
import { intervalMs } from '../domain/intervals.js';

/** [first bar open, last bar open], inclusive, ms. */
export type Span = readonly [number, number];

/** The open time of the bar after the one opening at `t`. */
export function nextOpen(interval: string, t: number): number {
  return t + intervalMs(interval, t);
}

/** The open time of the bar before the one opening at `t`. */
export function prevOpen(interval: string, t: number): number {
  if (interval !== 'M') return t - intervalMs(interval);
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
}

/** Sorted, with overlapping or adjacent spans joined. */
export function mergeSpans(spans: readonly Span[], interval: string): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= nextOpen(interval, last[1])) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The parts of [from, to] that no span covers. */
export function uncovered(covered: readonly Span[], from: number, to: number, interval: string): Span[] {
  const out: Span[] = [];
  let at = from;
  for (const [a, b] of mergeSpans(covered, interval)) {
    if (b < at) continue;
    if (a > to) break;
    if (a > at) out.push([at, Math.min(to, prevOpen(interval, a))]);
    at = Math.max(at, nextOpen(interval, b));
    if (at > to) return out;
  }
  if (at <= to) out.push([at, to]);
  return out;
}

export interface Gap {
  /** Open time of the first missing bar. */
  readonly from: number;
  readonly missing: number;
}

/** Bars missing between consecutive times and, when given, before the first and after the last. */
export function findGaps(
  times: ArrayLike<number>,
  interval: string,
  bounds?: { from: number; to: number },
): Gap[] {
  const gaps: Gap[] = [];
  const count = (a: number, b: number): number => {
    // Walk month by month for M; fixed-length intervals divide.
    if (interval !== 'M') return Math.max(0, Math.round((b - a) / intervalMs(interval)));
    let n = 0;
    for (let t = a; t < b; t = nextOpen(interval, t)) n++;
    return n;
  };
  const push = (a: number, b: number): void => {
    const missing = count(a, b);
    if (missing > 0) gaps.push({ from: a, missing });
  };
  if (times.length === 0) {
    if (bounds) push(bounds.from, nextOpen(interval, bounds.to));
    return gaps;
  }
  if (bounds) push(bounds.from, times[0] as number);
  for (let i = 1; i < times.length; i++) push(nextOpen(interval, times[i - 1] as number), times[i] as number);
  if (bounds) push(nextOpen(interval, times[times.length - 1] as number), nextOpen(interval, bounds.to));
  return gaps;
}
