// Report periods in UTC: days, ISO weeks (Monday start, ISO week-year labels) and calendar months.
// Half-open [start, end) in ms, the same convention as ReportPeriod, so a period feeds buildTradesReport.

export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  readonly kind: PeriodKind;
  /** First ms inside the period. */
  readonly start: number;
  /** First ms after the period. */
  readonly end: number;
  /** "2026-01-05", "2026-W02" (ISO week-year, which may differ from the calendar year) or "2026-01". */
  readonly label: string;
}

const DAY_MS = 86_400_000;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function dayLabel(start: number): string {
  return new Date(start).toISOString().slice(0, 10);
}

/** ISO 8601: the week belongs to the year holding its Thursday, and week 1 holds the year's first Thursday. */
function isoWeekLabel(monday: number): string {
  const thursday = monday + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${pad(week)}`;
}

export function periodOf(ms: number, kind: PeriodKind): Period {
  const day = dayStart(ms);
  if (kind === 'day') return { kind, start: day, end: day + DAY_MS, label: dayLabel(day) };
  if (kind === 'week') {
    const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
    const start = day - sinceMonday * DAY_MS;
    return { kind, start, end: start + 7 * DAY_MS, label: isoWeekLabel(start) };
  }
  const d = new Date(day);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { kind, start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1), label: `${y}-${pad(m + 1)}` };
}

/** Every period of `kind` that overlaps [from, to), oldest first; empty when to ≤ from. */
export function periodsBetween(from: number, to: number, kind: PeriodKind): Period[] {
  const out: Period[] = [];
  if (!(to > from)) return out;
  for (let p = periodOf(from, kind); p.start < to; p = periodOf(p.end, kind)) out.push(p);
  return out;
}

/** How many periods /pnl (and the API's /pnl) lists when not told. */
export const DEFAULT_PERIOD_COUNT: Readonly<Record<PeriodKind, number>> = { day: 7, week: 8, month: 6 };

/**
 * The last `n` periods of `kind` up to and including the one holding `now`, oldest first, none before the
 * one holding `since` (the bot's first day: rows before it could only ever be zero).
 */
export function lastPeriods(kind: PeriodKind, n: number, now: number, since?: number): Period[] {
  const cur = periodOf(now, kind);
  const d = new Date(cur.start);
  const start =
    kind === 'day'
      ? cur.start - (n - 1) * DAY_MS
      : kind === 'week'
        ? cur.start - (n - 1) * 7 * DAY_MS
        : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (n - 1), 1);
  const first = since === undefined || since > now ? start : Math.max(start, periodOf(since, kind).start);
  return periodsBetween(first, cur.end, kind);
}
