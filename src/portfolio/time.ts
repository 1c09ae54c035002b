// UTC day arithmetic for daily limits: the day is an input's property, never read from a clock.

export const DAY_MS = 86_400_000;

/** 00:00:00.000 UTC of the day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** 00:00 UTC of the day after the one containing `ms`. */
export function nextUtcMidnight(ms: number): number {
  return utcDayStart(ms) + DAY_MS;
}

/** "2024-01-05 14:05:00 UTC": how times appear in risk messages. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
