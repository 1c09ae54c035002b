// The operations endpoint on BOSUN_HTTP_PORT: /healthz (process alive), /readyz (database, Redis and the
// exchange answer, each within a timeout) and /metrics (Prometheus text).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { registry as defaultRegistry } from './metrics.js';

/** Resolves when the dependency answers; throws (or hangs, until the timeout) when it does not. */
export type ReadyCheck = () => Promise<void>;

export interface ReadyReport {
  ok: boolean;
  /** Check name → short reason, for the checks that failed. */
  failed: Record<string, string>;
  /** Names of the checks that passed. */
  passed: string[];
}

export interface OpsServerOptions {
  port: number;
  /** Interface to bind; default all, so container probes reach it. */
  host?: string;
  checks: Record<string, ReadyCheck>;
  checkTimeoutMs?: number;
  registry?: Registry;
  log?: Logger;
  /** Answers every other path (the dashboard and /api/v1 when BOSUN_WEB is on); absent: 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  /** From now on /readyz answers 503 so load balancers stop sending work while we drain. */
  markShuttingDown(): void;
  close(): Promise<void>;
}

const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** A short reason safe to publish: network codes in words, credentials stripped from any URL, bounded. */
export function describeCheckError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : 'check failed';
  for (const [c, words] of Object.entries(NET_CODES)) {
    if (code === c || message.includes(c)) return words;
  }
  const clean = message
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/]*@/gi, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean || 'check failed';
}

/** Run every check in parallel, each bounded by `timeoutMs`. */
export async function runReadyChecks(
  checks: Record<string, ReadyCheck>,
  timeoutMs: number,
): Promise<ReadyReport> {
  const failed: Record<string, string> = {};
  const passed: string[] = [];
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        passed.push(name);
      } catch (e) {
        failed[name] = describeCheckError(e);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  passed.sort();
  return { ok: Object.keys(failed).length === 0, failed, passed };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const reg = o.registry ?? defaultRegistry;
  const timeoutMs = o.checkTimeoutMs ?? 2000;
  let shuttingDown = false;
  // Concurrent probes share one run, so a burst of /readyz cannot open a burst of connections.
  let inFlight: Promise<ReadyReport> | undefined;
  const ready = (): Promise<ReadyReport> =>
    (inFlight ??= runReadyChecks(o.checks, timeoutMs).finally(() => (inFlight = undefined)));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (o.fallback && path !== '/healthz' && path !== '/readyz' && path !== '/metrics') {
      return o.fallback(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain', 'method not allowed\n');
    }
    if (path === '/healthz') return json(res, 200, { ok: true });
    if (path === '/readyz') {
      if (shuttingDown)
        return json(res, 503, { ok: false, failed: { process: 'shutting down' }, passed: [] });
      const r = await ready();
      if (!r.ok) o.log?.warn({ failed: r.failed }, 'not ready');
      return json(res, r.ok ? 200 : 503, r);
    }
    if (path === '/metrics') return send(res, 200, reg.contentType, await reg.metrics());
    return send(res, 404, 'text/plain', 'not found: try /healthz, /readyz or /metrics\n');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log?.error({ err: describeCheckError(e), path: req.url }, 'ops endpoint failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host && o.host !== '0.0.0.0' && o.host !== '::' ? o.host : '127.0.0.1';
  return {
    port,
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets from scrapers would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

/** Database answers a trivial query. */
export function dbReady(db: Db): ReadyCheck {
  return async () => {
    await db.execute(sql`select 1`);
  };
}

/** Redis accepts a fresh connection and answers PING. */
export function redisReady(url: string, timeoutMs = 2000): ReadyCheck {
  return async () => {
    const r = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // connect() itself rejects with a bare "Connection is closed."; the socket error says why.
    let cause: unknown;
    r.on('error', (e: unknown) => (cause ??= e));
    try {
      await r.connect();
      await r.ping();
    } catch (e) {
      throw cause ?? e;
    } finally {
      r.disconnect();
    }
  };
}

/** The exchange answers its server-time call (public, cheap, no key needed). */
export function exchangeReady(ex: { serverTime(): Promise<number> }): ReadyCheck {
  return async () => {
    await ex.serverTime();
  };
}
