// Starts the web layer of a running bot (gateway role) from the runtime and the chat gateway, or does
// nothing when the dashboard is off. The ops server on BOSUN_HTTP_PORT hands it every request that is
// not /healthz, /readyz or /metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pruneWebAuth } from '../db/repos/web-sessions.js';
import type { BosunConfig } from '../platform/config.js';
import { isPaperMode, type Env } from '../platform/env.js';
import { logger } from '../platform/logger.js';
import { createRedis } from '../queue/connection.js';
import { bybitCandleSource } from '../cli/bybit-candles.js';
import { healthProbes, VERSION, type ChatGateway } from '../cli/chat-gateway.js';
import type { Runtime } from '../cli/runtime.js';
import { buildWebApp } from './server.js';
import { exposureWarning, webSettings, type WebSettings } from './settings.js';

export interface WebLayer {
  settings: WebSettings;
  /** For the ops server: every request it does not answer itself. */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startWeb(
  rt: Runtime,
  env: Env,
  config: BosunConfig,
  chat: ChatGateway | undefined,
  opts: { prefix: string },
): Promise<WebLayer | null> {
  const settings = webSettings(env, config);
  if (!settings) return null;
  const log = logger();
  const warning = exposureWarning(settings);
  if (warning) log.warn(warning);
  const redis = createRedis(env.redisUrl, 'producer', { commandTimeout: 1000 });
  redis.on('error', (e: Error) => log.debug({ err: e.message }, 'web rate-limit redis error'));
  const { app } = await buildWebApp({
    db: rt.deps.db,
    clock: rt.deps.clock,
    config,
    settings,
    info: {
      mode: isPaperMode(env.bybitEnv) ? 'paper' : 'live',
      exchangeEnv: env.bybitEnv,
      version: VERSION,
      startedAt: rt.deps.clock.now(),
    },
    services: rt.services,
    ...(chat ? { approvals: { refresh: (id: number) => chat.gateway.board.refresh(id) } } : {}),
    health: healthProbes(rt),
    enqueueBacktest: (job, data, id) => rt.enqueue(job, data, id),
    candles: bybitCandleSource(
      rt.deps.exchange,
      rt.deps.db,
      (l) => log.info(l),
      () => rt.deps.clock.now(),
    ),
    redis: { connection: redis, prefix: opts.prefix },
    log,
  });
  // Used and expired links and sessions are forgotten after a day.
  const prune = setInterval(() => {
    pruneWebAuth(rt.deps.db, new Date(rt.deps.clock.now() - 86_400_000)).catch(() => undefined);
  }, 3_600_000);
  prune.unref();
  log.info({ url: settings.publicUrl }, 'dashboard on');
  return {
    settings,
    fallback: (req, res) => app.routing(req, res),
    close: async () => {
      clearInterval(prune);
      await app.close();
      redis.disconnect();
    },
  };
}
