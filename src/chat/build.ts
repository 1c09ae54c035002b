// Wires the transport-neutral gateway: registry of every command, role source, approval board and the
// core. The composition root (src/cli) creates the adapters, pushes them into `sinks`, and starts them.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { COMMANDS } from '../../commands/index.js';
import type { Db } from '../db/client.js';
import { bootstrapAdmins } from '../db/repos/chat-users.js';
import type { Clock } from '../domain/clock.js';
import type { TradingServices } from '../engine/services.js';
import type { BosunConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';
import { logger } from '../platform/logger.js';
import { raiseAlert } from './core/alerts.js';
import { ApprovalBoard } from './core/approval-board.js';
import { dbRoleSource } from './core/authz.js';
import type { Command, HealthProbe, RuntimeInfo } from './core/command.js';
import { ChatCore } from './core/gateway.js';
import type { RateLimitOptions } from './core/rate-limit.js';
import type { ChatPlatform } from './core/reply.js';
import { Registry } from './core/registry.js';
import { RedisRateLimiter } from './core/shared-rate-limit.js';
import type { ChatSink } from './core/sink.js';

export interface GatewayOptions {
  db: Db;
  clock: Clock;
  config: BosunConfig;
  info: RuntimeInfo;
  services?: TradingServices;
  health?: HealthProbe[];
  /** Where approval requests and alerts go per platform (TELEGRAM_ALERT_CHAT, SLACK_ALERT_CHANNEL). */
  chats?: Partial<Record<ChatPlatform, string>>;
  /** The alerts queue: lets trade commands announce new approvals (deduplicated per approval). */
  alertsQueue?: Queue;
  /** Extra commands (e.g. `backtest`). */
  extraCommands?: Command[];
  rateLimit?: RateLimitOptions;
  /**
   * Where the per-user rate-limit buckets live, so every gateway process of a bot shares them (keys under
   * `prefix`). Absent: in this process's memory (one gateway, tests).
   */
  redis?: { connection: Redis; prefix: string };
}

export interface Gateway {
  core: ChatCore;
  board: ApprovalBoard;
  registry: Registry;
  /** Adapters register here after construction; the board posts and edits through them. */
  sinks: ChatSink[];
  /** Edit expired approval messages every `intervalMs`; returns a stop function. */
  startSweeper(intervalMs?: number): () => void;
}

export function buildGateway(o: GatewayOptions): Gateway {
  const sinks: ChatSink[] = [];
  const board = new ApprovalBoard({ db: o.db, clock: o.clock, sinks, chats: o.chats });
  const registry = new Registry([...COMMANDS, ...(o.extraCommands ?? [])]);
  const queue = o.alertsQueue;
  const approvals = {
    refresh: (id: number) => board.refresh(id),
    announce: queue
      ? async (id: number) => {
          await raiseAlert(o.db, queue, { kind: 'approval-request', approvalId: id });
        }
      : undefined,
  };
  const core = new ChatCore({
    registry,
    roles: dbRoleSource(o.db),
    clock: o.clock,
    rateLimit: o.rateLimit,
    ...(o.redis
      ? { rateLimiter: new RedisRateLimiter(o.redis.connection, o.clock, o.redis.prefix, o.rateLimit) }
      : {}),
    deps: {
      db: o.db,
      clock: o.clock,
      config: o.config,
      info: o.info,
      services: o.services,
      health: o.health ?? [],
      approvals,
    },
  });
  return {
    core,
    board,
    registry,
    sinks,
    startSweeper(intervalMs = 15_000) {
      const t = setInterval(() => {
        board.sweepExpired().catch((e: unknown) => {
          logger().warn({ err: e instanceof Error ? e.message : String(e) }, 'approval sweep failed');
        });
      }, intervalMs);
      t.unref();
      return () => clearInterval(t);
    },
  };
}

/** BOSUN_ADMINS at gateway start. */
export async function bootstrapAdminsFromEnv(db: Db, env: Pick<Env, 'admins'>): Promise<number> {
  return bootstrapAdmins(db, env.admins);
}
