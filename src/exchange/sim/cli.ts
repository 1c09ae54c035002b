// `bosun sim`: the simulator as a process. Prints exactly one line `listening on http://HOST:PORT` on stdout
// when ready, logs to stderr, and closes cleanly on SIGINT/SIGTERM (exit 0). Usage errors exit 2.
import { existsSync } from 'node:fs';
import { parseBehaviourFlag } from './behaviour.js';
import { type FaultPatch, parseFaultFlag } from './faults.js';
import { SIM_HELP } from './help.js';
import { parseBalance, startSim, type SimOptions } from './start.js';

const USAGE = SIM_HELP;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves when the process is asked to stop (default: SIGINT or SIGTERM). */
  untilStopped?: () => Promise<void>;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

type Parsed = { opts: SimOptions; faults: FaultPatch[] } | { help: true } | { error: string };

function parseArgs(argv: string[]): Parsed {
  const args = argv[0] === 'sim' ? argv.slice(1) : argv;
  const opts: SimOptions = { port: 9100 };
  const faults: FaultPatch[] = [];
  const int = (flag: string, v: string | undefined, min: number): number | string => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min)
      return `${flag} needs a whole number >= ${min}, got "${v ?? ''}"`;
    return Number(v);
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] as string;
    const eq = flag.indexOf('=');
    const name = flag.startsWith('--') && eq > 0 ? flag.slice(0, eq) : flag;
    const inline = flag.startsWith('--') && eq > 0 ? flag.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? args[++i];
    switch (name) {
      case '-h':
      case '--help':
        return { help: true };
      case '--port': {
        const n = int('--port', value(), 0);
        if (typeof n === 'string' || n > 65535)
          return { error: typeof n === 'string' ? n : '--port must be <= 65535' };
        opts.port = n;
        break;
      }
      case '--host':
        opts.host = value();
        if (!opts.host) return { error: '--host needs a value' };
        break;
      case '--data':
        opts.data = value();
        if (!opts.data) return { error: '--data needs a file path' };
        break;
      case '--speed': {
        const v = value();
        if (v === undefined || !/^\d+(\.\d+)?$/.test(v))
          return { error: `--speed needs a number >= 0, got "${v ?? ''}"` };
        opts.speed = Number(v);
        break;
      }
      case '--seed': {
        const n = int('--seed', value(), 0);
        if (typeof n === 'string') return { error: n };
        opts.seed = n;
        break;
      }
      case '--spread-bps': {
        const n = int('--spread-bps', value(), 0);
        if (typeof n === 'string') return { error: n };
        opts.spreadBps = n;
        break;
      }
      case '--key':
        opts.key = value();
        if (!opts.key) return { error: '--key needs a value' };
        break;
      case '--secret':
        opts.secret = value();
        if (!opts.secret) return { error: '--secret needs a value' };
        break;
      case '--balance': {
        const v = value() ?? '';
        try {
          parseBalance(v);
        } catch (err) {
          return { error: `--balance: ${(err as Error).message}` };
        }
        opts.balance = v;
        break;
      }
      case '--no-rate-limits':
        opts.rateLimits = false;
        break;
      case '--behave': {
        const b = parseBehaviourFlag(value() ?? '');
        if (typeof b === 'string') return { error: b };
        opts.behaviour = { ...opts.behaviour, ...b };
        break;
      }
      case '--fault': {
        const f = parseFaultFlag(value() ?? '');
        if (typeof f === 'string') return { error: f };
        faults.push(f);
        break;
      }
      default:
        return { error: `unknown option "${flag}"` };
    }
  }
  if ((opts.key === undefined) !== (opts.secret === undefined))
    return { error: '--key and --secret go together' };
  return { opts, faults };
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export async function runSimCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const parsed = parseArgs(argv);
  if ('help' in parsed) {
    io.out(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.err(`bosun sim: ${parsed.error}`);
    io.err(USAGE);
    return 2;
  }
  const { opts, faults } = parsed;
  if (opts.data && !existsSync(opts.data)) {
    io.err(`bosun sim: --data file not found: ${opts.data}`);
    return 1;
  }
  const stopped = (io.untilStopped ?? waitForSignal)();
  let sim;
  try {
    sim = await startSim({ ...opts, log: io.err });
  } catch (err) {
    io.err(`bosun sim: ${(err as Error).message}`);
    return 1;
  }
  for (const f of faults) sim.faults.set(f);
  io.out(`listening on ${sim.restUrl}`);
  await stopped;
  await sim.close();
  return 0;
}
