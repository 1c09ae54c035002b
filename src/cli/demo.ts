// `bosun demo`: the whole product in one process on a fresh embedded database and the built-in Bybit
// simulator replaying bundled real BTC candles: two strategies, workers, schedulers and a chat console.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runConsole } from '../chat/console/index.js';
import { recordEquity } from '../engine/reconcile.js';
import { parseConfig, type BosunConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import { createLogger, setLogger } from '../platform/logger.js';
import { QUEUE_NAMES } from '../queue/names.js';
import { startChatGateway } from './chat-gateway.js';
import { line, type CliIo } from './io.js';
import { startRuntime } from './runtime.js';

export const DEMO_DATA = fileURLToPath(new URL('../../assets/demo/btcusdt-1m.csv', import.meta.url));

export const DEMO_HELP = `usage: bosun demo [--data FILE] [--speed N]

Paper trading on the built-in Bybit simulator, replaying bundled BTCUSDT 1-minute candles (or
--data FILE) at --speed market seconds per second (default 60: one candle a second). Runs an
embedded database, two strategies, the workers and a chat console; needs only Redis.
Type /help at the prompt; /quit or Ctrl-D ends it. With stdin not a terminal it reads one
command per line and prints the replies.`;

/**
 * Two strategies a person can follow at the demo's 60× market: BTC trades small and straight through
 * (below the 1,000 USDT approval threshold); ETH trades larger, so each entry asks for approval. Candles
 * arrive once a second, so ETH's averages are slow (10/40 one-minute bars: about a minute of wall clock
 * between crossings) and a request comes every minute or two, not every few seconds; each one waits five
 * minutes for an answer. Exits never wait for approval.
 */
export function demoConfig(): BosunConfig {
  return parseConfig({
    strategies: [
      {
        id: 'btc-sma',
        strategy: 'sma-cross',
        symbol: 'BTCUSDT',
        category: 'linear',
        interval: '1',
        params: { fast: 8, slow: 30 },
        sizing: { mode: 'fixed-notional', notional: '800' },
      },
      {
        id: 'eth-ema',
        strategy: 'ema-cross',
        symbol: 'ETHUSDT',
        category: 'linear',
        interval: '1',
        params: { fast: 10, slow: 40 },
        sizing: { mode: 'fixed-notional', notional: '2500' },
      },
    ],
    // The risk checks run on the wall clock while the market runs 60× faster: a cool-down of an hour
    // would sit out the rest of the demo, and three losses come within a minute of market noise. Five
    // losses in a row pause trading for two minutes (two market hours).
    risk: { lossCooldown: { losses: 5, minutes: 2 } },
    approvals: {
      mode: 'threshold',
      autoBelowNotional: '1000',
      quorumAboveNotional: '50000',
      ttlSeconds: 300,
    },
    alerts: {
      routes: { fills: ['console'], risk: ['console'], approvals: ['console'], system: ['console'] },
    },
  });
}

async function dropQueues(url: string, prefix: string): Promise<void> {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  conn.on('error', () => {});
  try {
    for (const name of QUEUE_NAMES) {
      const q = new Queue(name, { connection: conn, prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
  } finally {
    conn.disconnect();
  }
}

export async function runDemo(args: string[], io: CliIo, env: Env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { data: { type: 'string' }, speed: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const speed = values.speed === undefined ? 60 : Number(values.speed);
  if (!Number.isFinite(speed) || speed < 0 || speed > 100_000) {
    throw new UsageError(
      `--speed "${values.speed}" must be a number of market seconds per second, 0 to 100000`,
    );
  }
  // Logs go to stderr, quietly: stdout is the console.
  setLogger(
    createLogger({ level: env.logLevel === 'info' ? 'warn' : env.logLevel, destination: process.stderr }),
  );
  const dataDir = join(env.dataDir, 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  // BYBIT_ENV=paper: the same session on Bybit's live public data (BYBIT_REST_URL / BYBIT_WS_URL name it).
  const paper = env.bybitEnv === 'paper';
  const demoEnv: Env = {
    ...env,
    databaseUrl: undefined,
    dataDir,
    bybitEnv: paper ? 'paper' : 'sim',
    bybitRestUrl: paper ? env.bybitRestUrl : undefined,
    bybitWsUrl: paper ? env.bybitWsUrl : undefined,
    bybitApiKey: undefined,
    bybitApiSecret: undefined,
  };
  const config = demoConfig();
  const prefix = `bosun-demo-${process.pid}`;
  const rt = await startRuntime({
    env: demoEnv,
    config,
    role: 'all',
    prefix,
    // Two hours of history, so the slower averages are warm when the demo starts.
    sim: {
      data: values.data ?? DEMO_DATA,
      dataSymbol: 'BTCUSDT',
      speed,
      historyBars: 180,
      // The replay runs 60× on a bot that keeps the wall clock: bars at the file's (past) times close at
      // once and its data carries the server's time. Moved to now, they would run ahead of that clock.
      behaviour: { replayTimes: 'file' },
    },
  });
  rt.shutdown.addLast('demo queues', () => dropQueues(env.redisUrl, prefix));
  try {
    const chat = await startChatGateway(rt, demoEnv, config, {
      prefix,
      consoleOutput: io.stdout,
      mode: 'paper',
    });
    await recordEquity(rt.deps);
    await runConsole({
      input: io.stdin,
      output: io.stdout,
      core: chat.gateway.core,
      fileDir: join(dataDir, 'exports'),
      banner: `${
        paper
          ? 'bosun demo: paper trading on Bybit live public data (BTCUSDT, ETHUSDT; no API key).'
          : 'bosun demo: paper trading on the built-in simulator (BTCUSDT replay, ETHUSDT random walk).'
      }\nType /help for commands, /status to start, /quit to leave.`,
    });
  } finally {
    await rt.shutdown.run('demo finished');
  }
  line(io.stderr, 'demo stopped');
  return 0;
}
