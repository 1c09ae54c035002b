// The `bosun` command: routes subcommands, turns configuration and usage errors into one line and an
// exit status (1 bad input or failed check, 2 usage), never a stack trace.
import { loadEnv, type Env } from '../platform/env.js';
import { ConfigError, UsageError } from '../platform/errors.js';
import { line, processIo, type CliIo } from './io.js';
import { DOCTOR_HELP, runDoctor } from './doctor.js';
import { MIGRATE_HELP, runMigrate } from './migrate.js';
import { KEYS_HELP, runKeysCli } from './keys.js';
import { AUDIT_HELP, runAuditCli } from './audit.js';
import { exchangeKeyValidator } from './exchange-factory.js';
import { START_HELP, runStart } from './start.js';
import { runSimCli } from '../exchange/sim/index.js';
import { BACKTEST_HELP } from '../backtest/index.js';
import { runBacktestCommand } from './backtest.js';
import { DEMO_HELP, runDemo } from './demo.js';
import { CONSOLE_HELP, runConsoleCommand } from './console.js';
import { EXPORT_HELP, runExportCli } from './export.js';
import { USERS_HELP, runUsersCli } from './users.js';
import { TOKENS_HELP, runTokensCli } from './tokens.js';

const SIM_HELP = `usage: bosun sim [--port 9100] [--data FILE] [--speed N] [--key K --secret S] [--balance 100000USDT] [--fault …]

The Bybit V5-compatible simulator on its own: REST at http://127.0.0.1:PORT/v5/..., WebSocket at
ws://127.0.0.1:PORT/v5/public/{spot,linear} and /v5/private. Default key sim-key, secret sim-secret.
Prints one line "listening on http://127.0.0.1:PORT" when ready; Ctrl-C stops it.`;

export const HELP = `bosun — chat-ops trading bot for Bybit

usage: bosun <command> [options]

commands:
  start [--role all|gateway|worker|scheduler] [--queues ticks,orders,…]   run the bot
  demo [--data FILE] [--speed N]        paper trading on the built-in simulator with a console
  console                               terminal chat client for a running bot
  sim [--port 9100] [--data FILE] …     the Bybit V5-compatible simulator on its own
  backtest --data SRC --strategy NAME … run a backtest
  migrate                               apply database migrations
  doctor                                check configuration, database, Redis, exchange, chat
  keys set|list|rotate-master           exchange credentials, stored encrypted
  users add|list|remove                 the chat allow-list
  tokens create|list|revoke             API tokens for the REST API
  audit verify                          check the audit log's hash chain
  export trades                         realized PnL per closed lot, for tax

Run \`bosun <command> --help\` for a command's options.`;

type Handler = { help: string; run: (args: string[], io: CliIo, env: () => Env) => Promise<number> };

const COMMANDS: Record<string, Handler> = {
  migrate: { help: MIGRATE_HELP, run: (_a, io, env) => runMigrate(env(), io) },
  doctor: { help: DOCTOR_HELP, run: (_a, io, env) => runDoctor(env(), io) },
  start: { help: START_HELP, run: (a, io, env) => runStart(a, io, env()) },
  demo: { help: DEMO_HELP, run: (a, io, env) => runDemo(a, io, env()) },
  console: { help: CONSOLE_HELP, run: (_a, io, env) => runConsoleCommand(io, env()) },
  sim: { help: SIM_HELP, run: (a) => runSimCli(a) },
  backtest: { help: BACKTEST_HELP, run: (a, io, env) => runBacktestCommand(a, io, env) },
  keys: {
    help: KEYS_HELP,
    run: (a, io, env) => runKeysCli(a, io, env(), { validate: exchangeKeyValidator(env()) }),
  },
  users: { help: USERS_HELP, run: (a, io, env) => runUsersCli(a, io, env()) },
  tokens: { help: TOKENS_HELP, run: (a, io, env) => runTokensCli(a, io, env()) },
  audit: { help: AUDIT_HELP, run: (a, io, env) => runAuditCli(a, io, env()) },
  export: { help: EXPORT_HELP, run: (a, io, env) => runExportCli(a, io, env()) },
};

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] as number;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] as number;
      d[j] = Math.min((d[j] as number) + 1, (d[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length] as number;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    line(io.stdout, HELP);
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    const near = Object.keys(COMMANDS).sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
    line(
      io.stderr,
      `bosun: unknown command "${name}". Did you mean "${near}"? Run \`bosun --help\` for the list.`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    line(io.stdout, cmd.help);
    return 0;
  }
  let env: Env | undefined;
  const getEnv = (): Env => (env ??= loadEnv());
  try {
    return await cmd.run(rest, io, getEnv);
  } catch (e) {
    if (e instanceof ConfigError) {
      line(io.stderr, `bosun: ${e.message}`);
      return 1;
    }
    if (e instanceof UsageError) {
      line(io.stderr, `bosun ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

// Run when executed directly (tsx src/cli/main.ts or bin/bosun.js), not when imported by tests.
const entry = process.argv[1] ?? '';
if (entry.endsWith('cli/main.ts') || entry.endsWith('bin/bosun.js') || entry.endsWith('bin/bosun')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bosun: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
