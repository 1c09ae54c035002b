// When the bot's history starts: its first fill or first equity snapshot, whichever is earlier. /pnl and
// the API's /pnl list no period before it (rows of zeros before the bot existed say nothing).
import { min } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { equitySnapshots, fills } from '../../db/schema/index.js';

/** Ms of the earliest fill or equity snapshot; undefined on an empty database. */
export async function historyStart(db: Db): Promise<number | undefined> {
  const [[f], [e]] = await Promise.all([
    db.select({ t: min(fills.execTime) }).from(fills),
    db.select({ t: min(equitySnapshots.ts) }).from(equitySnapshots),
  ]);
  const ts = [f?.t, e?.t].filter((t): t is number => t !== null && t !== undefined).map(Number);
  return ts.length ? Math.min(...ts) : undefined;
}
