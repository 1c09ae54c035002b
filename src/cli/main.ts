// The `bosun` command: routes subcommands, turns configuration and usage errors into one line and an
// exit status (1 bad input or failed check, 2 usage), never a stack trace.
import { loadEnv, type Env } from '../platform/env.js';
import { ConfigError, UsageError } from '../platform/errors.js';
import { SIM_HELP } from '../exchange/sim/help.js';
import { line, processIo, type CliIo } from './io.js';

export const HELP = `bosun — chat-ops trading bot for Bybit

usage: bosun <command> [options]

commands:
  start [--role all|gateway|worker|scheduler] [--queues ticks,orders,…]   run the bot
  demo [--data FILE] [--speed N]        paper trading on the built-in simulator with a console
  console                               terminal chat client for a running bot
  sim [--port 9100] [--data FILE] …     the Bybit V5-compatible simulator on its own
  backtest --data SRC --strategy NAME … run a backtest
  data download|list                    Bybit candle history in the local candle store
  strategy new|list|check              write, list and dry-run strategy files
  migrate                               apply database migrations
  doctor                                check configuration, database, Redis, exchange, chat
  keys set|list|rotate-master           exchange credentials, stored encrypted
  users add|list|remove                 the chat allow-list
  tokens create|list|revoke             API tokens for the REST API
  audit verify                          check the audit log's hash chain
  export trades                         realized PnL per closed lot, for tax

Run \`bosun <command> --help\` for a command's options.`;

type Run = (args: string[], io: CliIo, env: () => Env) => Promise<number>;
/** A command's module is imported only when that command runs, so `bosun --help` loads almost nothing. */
type Handler = () => Promise<{ help: string; run: Run }>;

const COMMANDS: Record<string, Handler> = {
  migrate: async () => {
    const m = await import('./migrate.js');
    return { help: m.MIGRATE_HELP, run: (_a, io, env) => m.runMigrate(env(), io) };
  },
  doctor: async () => {
    const m = await import('./doctor.js');
    return { help: m.DOCTOR_HELP, run: (_a, io, env) => m.runDoctor(env(), io) };
  },
  start: async () => {
    const m = await import('./start.js');
    return { help: m.START_HELP, run: (a, io, env) => m.runStart(a, io, env()) };
  },
  demo: async () => {
    const m = await import('./demo.js');
    return { help: m.DEMO_HELP, run: (a, io, env) => m.runDemo(a, io, env()) };
  },
  console: async () => {
    const m = await import('./console.js');
    return { help: m.CONSOLE_HELP, run: (_a, io, env) => m.runConsoleCommand(io, env()) };
  },
  sim: async () => ({
    help: SIM_HELP,
    run: async (a) => (await import('../exchange/sim/index.js')).runSimCli(a),
  }),
  backtest: async () => {
    const [{ BACKTEST_HELP }, m] = await Promise.all([
      import('../backtest/cli-args.js'),
      import('./backtest.js'),
    ]);
    return { help: BACKTEST_HELP, run: (a, io, env) => m.runBacktestCommand(a, io, env) };
  },
  data: async () => {
    const m = await import('./data.js');
    return { help: m.DATA_HELP, run: (a, io, env) => m.runDataCli(a, io, env) };
  },
  strategy: async () => {
    const m = await import('./strategy.js');
    return { help: m.STRATEGY_HELP, run: (a, io) => m.runStrategyCli(a, io) };
  },
  keys: async () => {
    const [m, x] = await Promise.all([import('./keys.js'), import('./exchange-factory.js')]);
    return {
      help: m.KEYS_HELP,
      run: (a, io, env) => m.runKeysCli(a, io, env(), { validate: x.exchangeKeyValidator(env()) }),
    };
  },
  users: async () => {
    const m = await import('./users.js');
    return { help: m.USERS_HELP, run: (a, io, env) => m.runUsersCli(a, io, env()) };
  },
  tokens: async () => {
    const m = await import('./tokens.js');
    return { help: m.TOKENS_HELP, run: (a, io, env) => m.runTokensCli(a, io, env()) };
  },
  audit: async () => {
    const m = await import('./audit.js');
    return { help: m.AUDIT_HELP, run: (a, io, env) => m.runAuditCli(a, io, env()) };
  },
  export: async () => {
    const m = await import('./export.js');
    return { help: m.EXPORT_HELP, run: (a, io, env) => m.runExportCli(a, io, env()) };
  },
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
  const load = COMMANDS[name];
  if (!load) {
    const near = Object.keys(COMMANDS).sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
    line(
      io.stderr,
      `bosun: unknown command "${name}". Did you mean "${near}"? Run \`bosun --help\` for the list.`,
    );
    return 2;
  }
  const cmd = await load();
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
