// Series for the equity chart: buy-and-hold and drawdown curves, and min/max-per-bucket downsampling
// so a million bars draw as ~2,000 points without losing the peaks and troughs a reader looks for.
export type Point = [number, number];

/** Keep the first, the min and the max (in time order) and the last of each bucket. */
export function downsampleMinMax(time: Float64Array, v: Float64Array, maxPoints = 2000): Point[] {
  const n = v.length;
  if (n <= maxPoints) {
    const out: Point[] = new Array<Point>(n);
    for (let i = 0; i < n; i++) out[i] = [time[i] as number, v[i] as number];
    return out;
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = n / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if ((v[i] as number) < (v[lo] as number)) lo = i;
      if ((v[i] as number) > (v[hi] as number)) hi = i;
    }
    const [a, c] = lo <= hi ? [lo, hi] : [hi, lo];
    out.push([time[a] as number, v[a] as number]);
    if (c !== a) out.push([time[c] as number, v[c] as number]);
  }
  const last = n - 1;
  if (out[out.length - 1]?.[0] !== time[last]) out.push([time[last] as number, v[last] as number]);
  return out;
}

/** Cash held from the warm-up bar on in the asset itself (what buy-and-hold return measures). */
export function buyAndHold(close: Float64Array, cash: number, from: number): Float64Array {
  const out = new Float64Array(close.length);
  const base = close[from] as number;
  for (let i = 0; i < close.length; i++) out[i] = i < from ? cash : (cash * (close[i] as number)) / base;
  return out;
}

/** Drawdown in percent (0 at a new high, negative below it). */
export function drawdownPct(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e > peak) peak = e;
    out[i] = -(1 - e / peak) * 100;
  }
  return out;
}
