// `bosun start`: run the bot by role until SIGTERM/SIGINT, with /healthz, /readyz and /metrics.
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import { dbReady, exchangeReady, redisReady, startOpsServer } from '../platform/http.js';
import { createLogger, setLogger } from '../platform/logger.js';
import { startChatGateway } from './chat-gateway.js';
import { line, type CliIo } from './io.js';
import { startWeb } from '../web/start.js';
import { withWebSettings } from '../web/settings.js';
import { parseQueues, ROLES, startRuntime, type Role } from './runtime.js';

export const START_HELP = `usage: bosun start [--role all|gateway|worker|scheduler] [--queues ticks,orders,…]

Runs the bot. --role all (default) runs everything in one process; on several machines run one
gateway (chat, HTTP, exchange streams), one scheduler, and any number of workers. --queues limits
a worker to some queues (ticks, orders, reconcile, alerts, backtests, reports).`;

export async function runStart(args: string[], io: CliIo, env: Env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { role: { type: 'string' }, queues: { type: 'string' } },
      strict: true,
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const role = (parsed.values.role ?? 'all') as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role "${role}" is not one of ${ROLES.join(', ')}`);
  const queues = parseQueues(parsed.values.queues);
  setLogger(createLogger({ level: env.logLevel }));
  const loaded = loadConfig(env.configPath);
  const { source } = loaded;
  const config = withWebSettings(loaded.config, env);
  const rt = await startRuntime({
    env,
    config,
    role,
    configSource: source,
    ...(queues ? { queues } : {}),
  });
  const gateway = role === 'all' || role === 'gateway';
  const chat = gateway ? await startChatGateway(rt, env, config, { prefix: env.queuePrefix }) : undefined;
  const web = gateway ? await startWeb(rt, env, config, chat, { prefix: env.queuePrefix }) : null;
  const ops = await startOpsServer({
    port: env.httpPort,
    ...(web ? { host: web.settings.host, fallback: web.fallback } : {}),
    checks: {
      database: dbReady(rt.deps.db),
      redis: redisReady(env.redisUrl),
      exchange: exchangeReady(rt.deps.exchange),
    },
  });
  // Registered last, so it is closed first... except readiness should fail first: mark, then close.
  if (web) rt.shutdown.add('web', () => web.close());
  rt.shutdown.add('http', () => ops.close());
  line(io.stderr, `bosun ${role} running (config: ${source}, exchange: ${env.bybitEnv}, http: ${ops.url})`);
  await new Promise<void>((resolve) => {
    rt.shutdown.onSignals(() => resolve());
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => ops.markShuttingDown());
  });
  return 0;
}
