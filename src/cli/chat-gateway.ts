// Wires the chat side of a running bot (composition root): the command gateway over the engine's
// services, the Telegram / Slack adapters when configured, the console when asked, the alerts worker
// that delivers notifications through them, and the approval-expiry sweeper.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { backtestCommand } from '../../commands/backtest.js';
import { buildGateway, bootstrapAdminsFromEnv, type Gateway } from '../chat/build.js';
import { ConsoleSink, startConsoleHost } from '../chat/console/index.js';
import type { ChatPlatform } from '../chat/core/reply.js';
import type { HealthProbe } from '../chat/core/command.js';
import { Pacer } from '../chat/core/pacer.js';
import { SlackAdapter } from '../chat/slack/index.js';
import { TelegramAdapter } from '../chat/telegram/index.js';
import type { BosunConfig } from '../platform/config.js';
import { isPaperMode, type Env } from '../platform/env.js';
import { logger } from '../platform/logger.js';
import { createRedis } from '../queue/connection.js';
import { startWorkers } from '../queue/workers.js';
import * as sendAlert from '../../jobs/send-alert.js';
import type { PayloadOf } from '../queue/payloads.js';
import type { Runtime } from './runtime.js';

export const VERSION = '0.1.0';

/** What /status and /health show about the machinery: queues (depth) and the exchange (clock). */
export function healthProbes(rt: Runtime): HealthProbe[] {
  // Failures kept from an earlier run on this prefix (a week of them) are not this bot's news.
  const since = rt.deps.clock.now();
  return [
    {
      name: 'queues',
      probe: async () => {
        let waiting = 0;
        let failed = 0;
        for (const q of [rt.queues.ticks, rt.queues.orders, rt.queues.alerts]) {
          const c = await q.getJobCounts('waiting');
          waiting += c.waiting ?? 0;
          const recent = await q.getFailed(0, 499);
          failed += recent.filter((j) => (j.finishedOn ?? j.timestamp) >= since).length;
        }
        return { ok: waiting < 1000, detail: `${waiting} waiting, ${failed} failed since start` };
      },
    },
    {
      name: 'exchange',
      probe: async () => {
        const t0 = Date.now();
        const server = await rt.deps.exchange.serverTime();
        const skew = Math.round(server - (t0 + Date.now()) / 2);
        return {
          ok: Math.abs(skew) < 1000,
          detail: `reachable in ${Date.now() - t0} ms, clock skew ${skew} ms`,
        };
      },
    },
  ];
}

export interface ChatGateway {
  gateway: Gateway;
  close(): Promise<void>;
}

export async function startChatGateway(
  rt: Runtime,
  env: Env,
  config: BosunConfig,
  opts: {
    prefix: string;
    consoleOutput?: NodeJS.WritableStream;
    mode?: 'paper' | 'live';
    /** false: deliver no alerts here (a console client beside a running gateway). */
    alertWorker?: boolean;
  } = { prefix: 'bosun' },
): Promise<ChatGateway> {
  const chats: Partial<Record<ChatPlatform, string>> = {};
  if (env.telegramAlertChat) chats.telegram = env.telegramAlertChat;
  if (env.slackAlertChannel) chats.slack = env.slackAlertChannel;
  if (opts.consoleOutput) chats.console = 'console';
  await bootstrapAdminsFromEnv(rt.deps.db, env);
  // The rate-limit buckets, shared by every gateway process of this bot. Fail fast (no offline queue, a
  // short timeout): the limiter lets messages through when Redis does not answer.
  const rateRedis = createRedis(env.redisUrl, 'producer', { commandTimeout: 1000 });
  rateRedis.on('error', (e: Error) => logger().debug({ err: e.message }, 'chat rate-limit redis error'));
  rt.shutdown.add('chat rate limit', async () => rateRedis.disconnect());
  const gateway = buildGateway({
    db: rt.deps.db,
    clock: rt.deps.clock,
    config,
    info: {
      mode: opts.mode ?? (isPaperMode(env.bybitEnv) ? 'paper' : 'live'),
      exchangeEnv: env.bybitEnv,
      version: VERSION,
      startedAt: rt.deps.clock.now(),
    },
    services: rt.services,
    chats,
    alertsQueue: rt.queues.alerts,
    health: healthProbes(rt),
    extraCommands: [backtestCommand({ enqueue: (job, data, id) => rt.enqueue(job, data, id) })],
    redis: { connection: rateRedis, prefix: opts.prefix },
  });
  const closers: (() => Promise<void>)[] = [];
  if (opts.consoleOutput) gateway.sinks.push(new ConsoleSink(opts.consoleOutput));
  if (env.telegramBotToken) {
    const tg = new TelegramAdapter({
      token: env.telegramBotToken,
      apiRoot: env.telegramApiRoot,
      core: gateway.core,
      ...(env.telegramWebhookUrl && env.telegramWebhookSecret
        ? {
            webhook: {
              url: env.telegramWebhookUrl,
              secret: env.telegramWebhookSecret,
              port: env.telegramWebhookPort,
            },
          }
        : {}),
    });
    await tg.start();
    gateway.sinks.push(tg);
    closers.push(() => tg.stop());
  }
  if (env.slackBotToken) {
    const slack = new SlackAdapter({
      token: env.slackBotToken,
      ...(env.slackSigningSecret ? { signingSecret: env.slackSigningSecret } : {}),
      ...(env.slackAppToken ? { appToken: env.slackAppToken } : {}),
      apiUrl: env.slackApiUrl,
      port: env.slackPort,
      core: gateway.core,
    });
    await slack.start();
    gateway.sinks.push(slack);
    closers.push(() => slack.stop());
  }
  // Alerts are delivered by the process that holds the chat connections.
  const pacer = new Pacer(rt.deps.clock);
  const startAlertWorker = () => {
    const conn = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
    conn.on('error', () => {});
    const workers = startWorkers({
      connection: conn,
      prefix: opts.prefix,
      queues: ['alerts'],
      handlers: {
        'send-alert': (d) =>
          sendAlert.process(
            {
              db: rt.deps.db,
              clock: rt.deps.clock,
              config,
              sinks: gateway.sinks,
              chats,
              board: gateway.board,
              pacer,
              chartDir: join(env.dataDir, 'charts'),
            },
            d as PayloadOf<'send-alert'>,
          ),
      },
    });
    return async () => {
      await workers.close();
      conn.disconnect();
    };
  };
  const stopAlerts = opts.alertWorker === false ? null : startAlertWorker();
  const stopSweeper = opts.alertWorker === false ? () => {} : gateway.startSweeper(5_000);
  // `bosun console` reaches the bot over Redis (it cannot open an embedded database the bot holds).
  const consoleHost =
    opts.alertWorker === false || opts.consoleOutput
      ? null
      : startConsoleHost({
          connect: () => new Redis(env.redisUrl, { maxRetriesPerRequest: null }),
          prefix: opts.prefix,
          handle: (input) => gateway.core.handle(input),
        });
  if (consoleHost) gateway.sinks.push(consoleHost.sink);
  rt.shutdown.add('chat', async () => {
    await consoleHost?.stop();
    stopSweeper();
    await stopAlerts?.();
    for (const c of closers.reverse()) await c();
  });
  return {
    gateway,
    close: () => rt.shutdown.run('chat closed'),
  };
}
