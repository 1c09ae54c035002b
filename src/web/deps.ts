// What the web layer is given by the composition root: the same database, clock, configuration and
// trading services the chat commands get, plus the queue (backtests) and candles (backtest charts).
import type { Redis } from 'ioredis';
import type { EnqueueBacktest } from '../../commands/backtest.js';
import type { CandleSource } from '../backtest/source.js';
import type { ApprovalRefresher, HealthProbe, RuntimeInfo } from '../chat/core/command.js';
import type { Role } from '../chat/core/roles.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../domain/clock.js';
import type { Actor, TradingServices } from '../engine/services.js';
import type { BosunConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { WebSettings } from './settings.js';

export interface WebDeps {
  db: Db;
  clock: Clock;
  /** The effective configuration (`web:` resolved), as the chat gateway has it. */
  config: BosunConfig;
  settings: WebSettings;
  info: RuntimeInfo;
  /** Absent in a process that cannot trade: mutating routes answer 503. */
  services?: TradingServices;
  /** Re-renders the chat copies of an approval after a web vote (the gateway's approval board). */
  approvals?: ApprovalRefresher;
  health: HealthProbe[];
  /** Queues a backtest run (the runtime's enqueue); absent: backtests cannot be submitted here. */
  enqueueBacktest?: EnqueueBacktest;
  /** Candles for a run's chart (the same cached Bybit source the backtest job reads). */
  candles?: CandleSource;
  /** Shared rate-limit buckets (every gateway process of the bot); absent: this process's memory. */
  redis?: { connection: Redis; prefix: string };
  log: Logger;
}

/** Who is calling: a browser session bound to a chat identity, or an API token. */
export interface WebIdentity {
  kind: 'session' | 'token';
  /** `telegram:12345`, `slack:U0123` or `token:ci`: what the audit log and rate limits key on. */
  label: string;
  actor: Actor;
  role: Role;
  /** Sessions only: the token mutating requests must echo in X-CSRF-Token. */
  csrf?: string;
  /** Sessions only: the cookie's hash, for sign-out. */
  sessionHash?: string;
}
