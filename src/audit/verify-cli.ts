// What `bosun audit verify` reports: the chain walk from chain.ts, plus an optional head anchor (a row id
// and hash recorded earlier, outside the database) that exposes truncation, which the chain alone cannot.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import { verifyAudit } from './chain.js';

export interface HeadAnchor {
  id: number;
  hash: string;
}

export interface AuditReport {
  ok: boolean;
  rows: number;
  /** The newest row, to record as the next anchor. */
  head: HeadAnchor | null;
  /** The first row that failed, when not ok. */
  badId: number | null;
  problem: 'edited' | 'inserted-or-deleted' | 'missing' | 'truncated' | 'rewritten' | null;
  message: string;
}

const ANCHOR_RE = /^(\d{1,15}):([0-9a-f]{64})$/;

/** `ID:HASH` as printed by a previous verify; null when malformed. */
export function parseAnchor(text: string): HeadAnchor | null {
  const m = ANCHOR_RE.exec(text.trim().toLowerCase());
  return m ? { id: Number(m[1]), hash: m[2] as string } : null;
}

export const formatAnchor = (a: HeadAnchor): string => `${a.id}:${a.hash}`;

async function headOf(db: Db): Promise<HeadAnchor | null> {
  const [last] = await db
    .select({ id: auditLog.id, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1);
  return last ?? null;
}

/**
 * Verify the chain; with `expectHead`, also require that row to exist with that hash. A valid chain whose
 * row N carries the recorded hash proves rows 1..N are exactly as they were when the anchor was taken.
 */
export async function checkAudit(db: Db, opts: { expectHead?: HeadAnchor } = {}): Promise<AuditReport> {
  const r = await verifyAudit(db);
  if (!r.ok) {
    return {
      ok: false,
      rows: r.rows,
      head: null,
      badId: r.badId,
      problem: r.problem,
      message: `audit log broken at row ${r.badId}: ${r.message} (${r.rows} rows before it verified)`,
    };
  }
  const head = await headOf(db);
  const a = opts.expectHead;
  if (a) {
    const [row] = await db
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .where(eq(auditLog.id, a.id))
      .limit(1);
    if (!row) {
      return {
        ok: false,
        rows: r.rows,
        head,
        badId: a.id,
        problem: 'truncated',
        message:
          `audit log truncated: the anchor names row ${a.id} but the log ends at row ${head?.id ?? 0}; ` +
          'the newest rows were deleted',
      };
    }
    if (row.hash !== a.hash) {
      return {
        ok: false,
        rows: r.rows,
        head,
        badId: a.id,
        problem: 'rewritten',
        message: `audit log rewritten: row ${a.id} no longer has the anchored hash; the log was rebuilt from row ${a.id} or earlier`,
      };
    }
  }
  return {
    ok: true,
    rows: r.rows,
    head,
    badId: null,
    problem: null,
    message: `audit log intact: ${r.rows} rows${a ? ` (anchor at row ${a.id} matches)` : ''}`,
  };
}
