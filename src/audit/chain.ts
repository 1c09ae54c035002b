// Append-only audit log with a hash chain: each row stores the hash of its own content and the
// previous row's hash, so an edited, inserted or deleted row breaks the chain at that row.
import { createHash } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import { systemClock, type Clock } from '../domain/clock.js';

export const GENESIS_HASH = '0'.repeat(64);
/** Serialises appenders across processes so two rows never claim the same predecessor. */
const AUDIT_LOCK_KEY = 0x62_6f_73_75; // 'bosu'

export interface AuditEntry {
  actor: string;
  platform?: string | null;
  chatId?: string | null;
  action: string;
  args?: Record<string, unknown>;
  /** ok | denied | error | … — what happened, in a word. */
  outcome: string;
  detail?: string | null;
}

interface Hashable extends AuditEntry {
  id: number;
  ts: number;
  prevHash: string;
}

/** JSON with sorted keys, so the hash does not depend on key order in jsonb round trips. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function auditHash(r: Hashable): string {
  const body = canonicalJson({
    id: r.id,
    ts: r.ts,
    actor: r.actor,
    platform: r.platform ?? null,
    chatId: r.chatId ?? null,
    action: r.action,
    args: r.args ?? {},
    outcome: r.outcome,
    detail: r.detail ?? null,
    prevHash: r.prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

/** Append one entry. Runs in its own transaction unless given one. */
export async function appendAudit(
  db: Db,
  e: AuditEntry,
  clock: Clock = systemClock,
): Promise<{ id: number; hash: string }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
    const [last] = await tx
      .select({ id: auditLog.id, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(1);
    // Ids are assigned here, not by the sequence, so a deleted row leaves a gap that verify sees.
    const id = (last?.id ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const ts = clock.now();
    const args = e.args ?? {};
    const hash = auditHash({ ...e, args, id, ts, prevHash });
    await tx.insert(auditLog).values({
      id,
      ts,
      actor: e.actor,
      platform: e.platform ?? null,
      chatId: e.chatId ?? null,
      action: e.action,
      args,
      outcome: e.outcome,
      detail: e.detail ?? null,
      prevHash,
      hash,
    });
    return { id, hash };
  });
}

export type VerifyResult =
  | { ok: true; rows: number }
  | {
      ok: false;
      rows: number;
      badId: number;
      problem: 'edited' | 'inserted-or-deleted' | 'missing';
      message: string;
    };

/** Walk the chain in id order and report the first row that does not follow from its predecessor. */
export async function verifyAudit(db: Db, batch = 1000): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectId = 1;
  let count = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.id} >= ${expectId}`)
      .orderBy(asc(auditLog.id))
      .limit(batch);
    if (page.length === 0) return { ok: true, rows: count };
    for (const r of page) {
      if (r.id !== expectId) {
        return {
          ok: false,
          rows: count,
          badId: expectId,
          problem: 'missing',
          message: `row ${expectId} is missing (next row is ${r.id}): a row was deleted`,
        };
      }
      if (r.prevHash !== prevHash) {
        return {
          ok: false,
          rows: count,
          badId: r.id,
          problem: 'inserted-or-deleted',
          message: `row ${r.id} does not follow row ${r.id - 1}: a row was inserted, deleted or replaced before it`,
        };
      }
      const h = auditHash({ ...r, args: r.args });
      if (h !== r.hash) {
        return {
          ok: false,
          rows: count,
          badId: r.id,
          problem: 'edited',
          message: `row ${r.id} (${r.action} by ${r.actor}) was edited after it was written`,
        };
      }
      prevHash = r.hash;
      expectId = r.id + 1;
      count++;
    }
  }
}
