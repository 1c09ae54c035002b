// `bosun console`: the chat commands in a terminal, against a running bot's database and queues, as the
// local admin. Trades it asks for go through the same risk, approvals and order jobs as the bot's own.
import { join } from 'node:path';
import { runConsole } from '../chat/console/index.js';
import { loadConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';
import { ConfigError } from '../platform/errors.js';
import { createLogger, setLogger } from '../platform/logger.js';
import { startChatGateway } from './chat-gateway.js';
import type { CliIo } from './io.js';
import { startRuntime } from './runtime.js';

export const CONSOLE_HELP = `usage: bosun console

The chat commands in a terminal, as the local admin, for a bot started with \`bosun start\`:
same DATABASE_URL, REDIS_URL and exchange settings. Type /help; /quit or Ctrl-D leaves.
With stdin not a terminal it reads one command per line and prints the replies.`;

export async function runConsoleCommand(io: CliIo, env: Env): Promise<number> {
  if (env.bybitEnv === 'sim' && !env.bybitRestUrl) {
    throw new ConfigError(
      "BYBIT_ENV=sim needs BYBIT_REST_URL pointing at the `bosun sim` the bot uses: a bot's built-in simulator is private to it (try `bosun demo` for a self-contained session)",
    );
  }
  setLogger(
    createLogger({ level: env.logLevel === 'info' ? 'warn' : env.logLevel, destination: process.stderr }),
  );
  const { config } = loadConfig(env.configPath);
  const rt = await startRuntime({ env, config, role: 'client' });
  try {
    // Alerts keep going to the bot's own gateway; this console only answers its own commands.
    const chat = await startChatGateway(rt, env, config, { prefix: env.queuePrefix, alertWorker: false });
    await runConsole({
      input: io.stdin,
      output: io.stdout,
      core: chat.gateway.core,
      fileDir: join(env.dataDir, 'exports'),
    });
  } finally {
    await rt.shutdown.run('console closed');
  }
  return 0;
}
