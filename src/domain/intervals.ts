// Bybit kline intervals in milliseconds (M is a calendar month: the bar closes at the next month's start).
export function intervalMs(interval: string, openTime = 0): number {
  if (/^\d+$/.test(interval)) return Number(interval) * 60_000;
  if (interval === 'D') return 86_400_000;
  if (interval === 'W') return 7 * 86_400_000;
  if (interval === 'M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - openTime;
  }
  throw new Error(`unknown kline interval "${interval}"`);
}
