// send-digest and heartbeat: the daily summary at alerts.digestHour in the operator's timezone (once
// per day, however many schedulers run: the alert is deduplicated on the date), and an alert when no
// strategy has processed a candle for alerts.heartbeatMinutes.
import type { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { raiseAlert } from '../src/chat/core/alerts.js';
import { digestAlert } from '../src/chat/core/digest.js';
import type { Db } from '../src/db/client.js';
import { strategyInstances } from '../src/db/schema/index.js';
import type { Clock } from '../src/domain/clock.js';
import type { BosunConfig } from '../src/platform/config.js';
import { intervalMs } from '../src/engine/intervals.js';

export interface DigestDeps {
  db: Db;
  clock: Clock;
  config: BosunConfig;
  alerts: Queue;
}

const DAY_MS = 86_400_000;

/** Offset (ms) of `tz` from UTC at instant `ms`. */
function tzOffsetMs(ms: number, tz: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Start (UTC ms) of the local calendar day in `tz` that contains `ms`. */
export function zonedDayStart(ms: number, tz: string): number {
  const local = ms + tzOffsetMs(ms, tz);
  const midnightLocal = Math.floor(local / DAY_MS) * DAY_MS;
  return midnightLocal - tzOffsetMs(midnightLocal, tz);
}

/** Raise yesterday's digest; returns false when it was already raised for that date. */
export async function sendDigest(deps: DigestDeps): Promise<boolean> {
  const now = deps.clock.now();
  const tz = deps.config.alerts.timezone;
  const yesterday = zonedDayStart(zonedDayStart(now, tz) - 1, tz);
  const date = new Date(yesterday + tzOffsetMs(yesterday, tz)).toISOString().slice(0, 10);
  const alert = await digestAlert(deps.db, yesterday, now);
  const r = await raiseAlert(deps.db, deps.alerts, alert, { dedupeKey: `digest:${date}` });
  return !r.duplicate;
}

/**
 * Alert when a running strategy is overdue: two of its intervals plus alerts.heartbeatMinutes have passed
 * since it last processed a candle (or started). Once per silent stretch (deduplicated).
 */
export async function checkHeartbeat(deps: DigestDeps): Promise<boolean> {
  const rows = await deps.db
    .select()
    .from(strategyInstances)
    .where(sql`${strategyInstances.enabled} and not ${strategyInstances.paused}`);
  const now = deps.clock.now();
  const limitMs = deps.config.alerts.heartbeatMinutes * 60_000;
  const stale: string[] = [];
  let worst = 0;
  for (const r of rows) {
    // The last time it ticked (or was started): candle open times may be replayed history.
    const since = r.updatedAt.getTime();
    const overdue = now - (since + 2 * intervalMs(r.interval, since));
    if (overdue > limitMs) {
      stale.push(`${r.id} (${Math.round(overdue / 60_000)} min)`);
      worst = Math.max(worst, overdue);
    }
  }
  if (stale.length === 0) return false;
  const message = `No tick for: ${stale.join(', ')}. Check the workers, the scheduler and the exchange stream.`;
  const key = rows.map((r) => `${r.id}@${r.updatedAt.getTime()}`).join(',');
  const r = await raiseAlert(
    deps.db,
    deps.alerts,
    { kind: 'heartbeat', message, lastTickAgoMs: Math.round(worst) },
    { dedupeKey: `heartbeat:${key}`.slice(0, 500) },
  );
  return !r.duplicate;
}
