// The audit log (read, verify — as `bosun audit verify`) and the trades export (as /export and
// `bosun export trades`), both for admins.
import { and, desc, lt } from 'drizzle-orm';
import { z } from 'zod';
import { checkAudit, formatAnchor, parseAnchor } from '../../audit/verify-cli.js';
import { auditLog } from '../../db/schema/index.js';
import { loadTradesReport } from '../../engine/trades-export.js';
import { EXPORT_FORMATS, exportTrades } from '../../reports/index.js';
import { GUARDED, iso, zError, zTime, type ZApp } from '../app-type.js';
import { auditWeb } from '../auth.js';
import type { WebDeps } from '../deps.js';

const zRow = z.object({
  id: z.number().int(),
  at: zTime,
  actor: z.string(),
  platform: z.string().nullable(),
  action: z.string(),
  args: z.record(z.string(), z.unknown()),
  outcome: z.string(),
  detail: z.string().nullable(),
  hash: z.string(),
});

const zDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-01-31');

export function auditRoutes(app: ZApp, deps: WebDeps): void {
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'audit log rows, newest first; page with ?before=<id>',
        tags: ['audit'],
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ rows: z.array(zRow) }), ...GUARDED },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await deps.db
        .select()
        .from(auditLog)
        .where(q.before ? and(lt(auditLog.id, q.before)) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(q.limit);
      return {
        rows: rows.map((r) => ({
          id: r.id,
          at: iso(r.ts),
          actor: r.actor,
          platform: r.platform,
          action: r.action,
          args: r.args,
          outcome: r.outcome,
          detail: r.detail,
          hash: r.hash,
        })),
      };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: 'admin' },
      schema: {
        summary: "walk the audit log's hash chain (as bosun audit verify); ?expect=ID:HASH checks an anchor",
        tags: ['audit'],
        querystring: z.object({ expect: z.string().max(90).optional() }),
        response: {
          200: z.object({
            ok: z.boolean(),
            rows: z.number().int(),
            head: z.string().nullable().describe('ID:HASH of the newest row, to keep as the next anchor'),
            badId: z.number().int().nullable(),
            problem: z.string().nullable(),
            message: z.string(),
          }),
          400: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const raw = req.query.expect;
      const anchor = raw === undefined ? undefined : parseAnchor(raw);
      if (anchor === null)
        return reply
          .code(400)
          .send({ error: 'invalid', message: 'expect must be ID:HASH as verify prints it' });
      const r = await checkAudit(deps.db, anchor ? { expectHead: anchor } : {});
      return { ...r, head: r.head ? formatAnchor(r.head) : null };
    },
  );

  app.get(
    '/api/v1/export/trades',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'realized PnL per closed lot, fees and funding as CSV (as bosun export trades)',
        tags: ['export'],
        querystring: z.object({
          from: zDate.optional(),
          to: zDate.optional().describe('inclusive'),
          format: z.enum(EXPORT_FORMATS).default('csv'),
        }),
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV text'), 400: zError, 500: zError, ...GUARDED },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const from = q.from ? Date.parse(`${q.from}T00:00:00Z`) : 0;
      const to = q.to ? Date.parse(`${q.to}T00:00:00Z`) + 86_400_000 : deps.clock.now() + 1;
      if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
        return reply.code(400).send({ error: 'invalid', message: 'from must be a date before to' });
      const r = await loadTradesReport(deps.db, { from, to });
      if (!r.ok) return reply.code(500).send({ error: 'report', message: r.error });
      const csv = exportTrades(r.report, q.format);
      await auditWeb(deps, req, {
        action: 'export',
        args: { ...q },
        outcome: 'ok',
        detail: `${csv.length} bytes`,
      });
      const name = `${q.format === 'csv' ? 'bosun-trades' : 'bosun-koinly'}-${q.from ?? 'start'}-${q.to ?? 'now'}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
}
