// Pending confirmations for destructive commands (`kill`, `close all`): a short code bound to the user
// who asked, valid ~30 s, usable once, by button or by typing `/confirm CODE`. Stored in Postgres so
// any gateway process (or one restarted meanwhile) can take it; expiry follows the injected clock.
import { randomInt } from 'node:crypto';
import type { Db } from '../../db/client.js';
import {
  cancelConfirmation,
  insertConfirmation,
  pruneConfirmations,
  takeConfirmation,
} from '../../db/repos/chat-confirmations.js';
import type { Clock } from '../../domain/clock.js';

export const CONFIRM_TTL_MS = 30_000;

/** What to run once confirmed: the command's name and its argument tokens, re-parsed then. No secrets. */
export interface PendingCommand {
  command: string;
  args: string[];
}

export type TakeResult =
  { kind: 'ok'; value: PendingCommand } | { kind: 'expired' } | { kind: 'not-yours' } | { kind: 'unknown' };

export class Confirmations {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ttlMs = CONFIRM_TTL_MS,
  ) {}

  async create(userKey: string, value: PendingCommand): Promise<{ code: string; expiresAt: number }> {
    const now = this.clock.now();
    // Keep expired rows a little while so a late press says "expired", not "unknown".
    await pruneConfirmations(this.db, now - 10 * this.ttlMs);
    const expiresAt = now + this.ttlMs;
    // 900,000 codes and a handful pending: a clash is rare, twenty in a row means something is wrong.
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = String(randomInt(100000, 1000000));
      const row = { code, userKey, command: value.command, args: value.args, expiresAt };
      if (await insertConfirmation(this.db, row)) return { code, expiresAt };
    }
    throw new Error('no free confirmation code after 20 attempts');
  }

  async take(code: string, userKey: string): Promise<TakeResult> {
    const row = await takeConfirmation(this.db, code, userKey);
    if (row === null) return { kind: 'unknown' };
    // Someone else pressing the button must not consume the asker's confirmation.
    if (row === 'not-yours') return { kind: 'not-yours' };
    if (this.clock.now() > row.expiresAt) return { kind: 'expired' };
    return { kind: 'ok', value: { command: row.command, args: row.args } };
  }

  cancel(code: string, userKey: string): Promise<boolean> {
    return cancelConfirmation(this.db, code, userKey);
  }
}
