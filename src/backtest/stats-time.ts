// Calendar helpers for the statistics, following pandas as backtesting.py uses it: the data period
// (median spacing of the last 100 bars), its resolution for rounding durations, and resample bins.
export const DAY_MS = 86_400_000;

/** Median spacing of the last 100 timestamps (backtesting.py's _data_period). */
export function dataPeriodMs(time: Float64Array): number {
  const n = time.length;
  const from = Math.max(0, n - 100);
  const diffs: number[] = [];
  for (let i = from + 1; i < n; i++) diffs.push((time[i] as number) - (time[i - 1] as number));
  if (diffs.length === 0) return NaN;
  diffs.sort((a, b) => a - b);
  const m = diffs.length >> 1;
  return diffs.length % 2 ? (diffs[m] as number) : ((diffs[m - 1] as number) + (diffs[m] as number)) / 2;
}

/** The unit pandas' Timedelta.resolution_string names: the smallest non-zero component. */
export function resolutionMs(periodMs: number): number {
  if (!Number.isFinite(periodMs)) return DAY_MS;
  for (const unit of [DAY_MS, 3_600_000, 60_000, 1000]) if (periodMs % unit === 0) return unit;
  return 1;
}

/** Timedelta.ceil(resolution). */
export function ceilTo(ms: number, unit: number): number {
  return Number.isFinite(ms) ? Math.ceil(ms / unit) * unit : NaN;
}

export const RESAMPLE_FREQS = ['D', 'W', 'ME', 'YE'] as const;
export type ResampleFreq = (typeof RESAMPLE_FREQS)[number];

/** Bin key of a timestamp for pandas' resample(freq): calendar day, week ending Sunday, month, year. */
export function binKey(t: number, freq: ResampleFreq): number {
  const day = Math.floor(t / DAY_MS);
  if (freq === 'D') return day;
  // 1970-01-01 was a Thursday: shifting by 3 makes Monday the first day of each week bin.
  if (freq === 'W') return Math.floor((day + 3) / 7);
  const d = new Date(t);
  return freq === 'ME' ? d.getUTCFullYear() * 12 + d.getUTCMonth() : d.getUTCFullYear();
}

/** pandas dayofweek: Monday = 0 … Sunday = 6. */
export function dayOfWeek(t: number): number {
  return (((Math.floor(t / DAY_MS) + 3) % 7) + 7) % 7;
}

/** Periods per year and the resample frequency, as backtesting.py 0.6.6 chooses them. */
export function annualization(time: Float64Array): { freq: ResampleFreq; periodsPerYear: number } {
  const freqDays = Math.floor(dataPeriodMs(time) / DAY_MS);
  if (freqDays === 7) return { freq: 'W', periodsPerYear: 52 };
  if (freqDays === 31) return { freq: 'ME', periodsPerYear: 12 };
  if (freqDays === 365) return { freq: 'YE', periodsPerYear: 1 };
  let weekend = 0;
  for (let i = 0; i < time.length; i++) {
    const d = dayOfWeek(time[i] as number);
    if (d >= 5) weekend++;
  }
  const haveWeekends = weekend / time.length > (2 / 7) * 0.6;
  return { freq: 'D', periodsPerYear: haveWeekends ? 365 : 252 };
}

/** Period returns: the last equity of each bin, then pct_change with the first (NaN) dropped. */
export function periodReturns(time: Float64Array, equity: Float64Array, freq: ResampleFreq): number[] {
  const last: number[] = [];
  let key = NaN;
  for (let i = 0; i < time.length; i++) {
    const k = binKey(time[i] as number, freq);
    if (k !== key) {
      last.push(equity[i] as number);
      key = k;
    } else last[last.length - 1] = equity[i] as number;
  }
  const r: number[] = [];
  for (let i = 1; i < last.length; i++) r.push((last[i] as number) / (last[i - 1] as number) - 1);
  return r;
}
