// Live updates by Server-Sent Events: one poller per process (only while someone listens) reads a
// cheap fingerprint of what the dashboard shows, once a second, and tells every listener which parts
// changed; browsers then fetch those parts again. Works whichever process wrote the change.
import { sql } from 'drizzle-orm';
import type { ServerResponse } from 'node:http';
import { rows } from '../../db/rows.js';
import type { ZApp } from '../app-type.js';
import type { WebDeps } from '../deps.js';

export const TOPICS = [
  'status',
  'positions',
  'orders',
  'approvals',
  'strategies',
  'backtests',
  'audit',
  'equity',
] as const;
type Topic = (typeof TOPICS)[number];
type Fingerprint = Record<Topic, string>;

async function fingerprint(deps: WebDeps): Promise<Fingerprint> {
  const [r] = rows<Fingerprint>(
    await deps.db.execute(sql`select
      (select coalesce(max(updated_at)::text, '') || count(*) from positions) as positions,
      (select coalesce(max(updated_at)::text, '') || count(*) from orders) as orders,
      (select coalesce(max(id), 0) || ':' || count(*) filter (where status = 'pending') || ':' ||
              coalesce(max(decided_at)::text, '') from approvals) as approvals,
      (select coalesce(string_agg(id || enabled::text || paused::text, ',' order by id), '')
         from strategy_instances) as strategies,
      (select coalesce(string_agg(id || status || coalesce(params->>'progress', ''), ',' order by id), '')
         from (select id, status, params from backtest_runs order by id desc limit 10) b) as backtests,
      (select coalesce(max(id), 0)::text from audit_log) as audit,
      (select coalesce(max(ts), 0)::text from equity_snapshots) as equity,
      (select coalesce(max(changed_at)::text, '') || coalesce(max(state), '') from trading_state) ||
      (select coalesce(max(updated_at)::text, '') from balances) as status`),
  );
  if (!r) throw new Error('no fingerprint row');
  return r;
}

export class ChangeFeed {
  private readonly listeners = new Set<(topics: Topic[]) => void>();
  private timer: NodeJS.Timeout | undefined;
  private last: Fingerprint | undefined;
  private busy = false;

  constructor(
    private readonly deps: WebDeps,
    private readonly everyMs = 1000,
  ) {}

  subscribe(fn: (topics: Topic[]) => void): () => void {
    this.listeners.add(fn);
    this.timer ??= setInterval(() => void this.tick(), this.everyMs);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = await fingerprint(this.deps);
      const prev = this.last;
      this.last = now;
      if (!prev) return;
      const changed = TOPICS.filter((t) => now[t] !== prev[t]);
      // The status screen sums positions, orders, approvals and strategies: it follows them all.
      if (changed.length > 0 && !changed.includes('status')) changed.push('status');
      if (changed.length > 0) for (const l of this.listeners) l(changed);
    } catch (e) {
      this.deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'web change feed failed');
    } finally {
      this.busy = false;
    }
  }
}

function write(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function eventRoutes(app: ZApp, feed: ChangeFeed): void {
  app.get(
    '/api/v1/events',
    {
      config: { access: 'viewer', rateLimit: false },
      schema: {
        summary: 'Server-Sent Events: "change" events naming the parts that changed (text/event-stream)',
        tags: ['session'],
        produces: ['text/event-stream'],
      },
    },
    (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      write(res, 'hello', { topics: TOPICS, role: req.identity?.role ?? null });
      const off = feed.subscribe((topics) => write(res, 'change', { topics }));
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.raw.on('close', () => {
        clearInterval(ping);
        off();
      });
    },
  );
}
