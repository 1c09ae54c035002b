// `bosun backtest`: the backtester's CLI, with `bybit:` data sources wired to the candle store, else the
// exchange and database, and `--sweep` runs fanned out as BullMQ jobs. What a run does not need is not
// imported: the queue, database and exchange modules cost seconds of start-up that a file backtest skips.
import { runBacktestCli, type BacktestCliDeps } from '../backtest/index.js';
import type { CandleFileCache, CandleSource, CandleSources } from '../backtest/source.js';
import type { SweepExecutor } from '../backtest/sweep.js';
import { fileCandleCache } from '../data/store.js';
import { storeCandleSource } from '../data/store-source.js';
import type { Env } from '../platform/env.js';
import { DEFAULT_PREFIX } from '../queue/names.js';
import { line, type CliIo } from './io.js';
import type { SweepQueueOptions } from './sweep-queue.js';

export type { SweepQueueOptions } from './sweep-queue.js';

/** The backtests queue's executor, its modules loaded when the sweep starts. */
export function queueSweepExecutor(o: SweepQueueOptions): SweepExecutor {
  return {
    run: async (tasks, onDone, series) =>
      (await import('./sweep-queue.js')).queueSweepExecutor(o).run(tasks, onDone, series),
  };
}

/** The candle store for file data; a file backtest must not need the rest of the environment to be valid. */
function storeDeps(getEnv: () => Env): { cache?: CandleFileCache } {
  try {
    return { cache: fileCandleCache(getEnv().dataDir) };
  } catch {
    return {};
  }
}

export async function runBacktestCommand(args: string[], io: CliIo, getEnv: () => Env): Promise<number> {
  // Any --data (a portfolio has several, SYMBOL=SRC) or --detail from Bybit needs the exchange and database.
  const bybit = args.some(
    (a, k) =>
      (/^--(data|detail)=/.test(a) && a.includes('bybit:')) ||
      ((args[k - 1] === '--data' || args[k - 1] === '--detail') && a.includes('bybit:')),
  );
  const sweep = args.some((a) => a === '--sweep' || a.startsWith('--sweep='));
  const prefix = process.env.BOSUN_QUEUE_PREFIX?.trim() || DEFAULT_PREFIX;
  const sweepDeps = (sources?: CandleSources): BacktestCliDeps =>
    sweep
      ? {
          sweepExecutor: queueSweepExecutor({
            redisUrl: () => getEnv().redisUrl,
            prefix,
            io,
            ...(sources ? { sources } : {}),
          }),
        }
      : {};
  if (!bybit) return runBacktestCli(args, io, { ...sweepDeps(), ...storeDeps(getEnv) });
  const env = getEnv();
  // A range in the candle store (bosun data download) needs neither the database nor the exchange.
  let db: { close(): Promise<void> } | undefined;
  let ex: { close(): Promise<void> } | undefined;
  let opened: Promise<CandleSource> | undefined;
  const fallback = (): Promise<CandleSource> =>
    (opened ??= (async () => {
      const [client, exchange, candles, migrate] = await Promise.all([
        import('../db/client.js'),
        import('./exchange-factory.js'),
        import('./bybit-candles.js'),
        import('./migrate.js'),
      ]);
      const h = await client.openDb({ url: env.databaseUrl, dataDir: migrate.embeddedDir(env), max: 2 });
      db = h;
      await client.migrateDb(h);
      const x = await exchange.openExchange(env);
      ex = x;
      return candles.bybitCandleSource(x.exchange, h.db, (l) => line(io.stderr, l));
    })());
  const source = storeCandleSource(env.dataDir, { fallback });
  try {
    return await runBacktestCli(args, io, { sources: { bybit: source }, ...sweepDeps({ bybit: source }) });
  } finally {
    await ex?.close();
    await db?.close();
  }
}
