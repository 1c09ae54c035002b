// `bosun backtest`: the backtester's CLI, with `bybit:` data sources wired to the exchange and database
// only when asked for (file backtests need neither).
import { runBacktestCli } from '../backtest/index.js';
import { openDb } from '../db/client.js';
import { migrateDb } from '../db/client.js';
import type { Env } from '../platform/env.js';
import { bybitCandleSource } from './bybit-candles.js';
import { openExchange } from './exchange-factory.js';
import { line, type CliIo } from './io.js';
import { embeddedDir } from './migrate.js';

export async function runBacktestCommand(args: string[], io: CliIo, getEnv: () => Env): Promise<number> {
  const dataArg = args.findIndex((a) => a === '--data' || a.startsWith('--data='));
  const data =
    dataArg < 0 ? '' : args[dataArg]?.includes('=') ? args[dataArg]?.split('=')[1] : args[dataArg + 1];
  if (!data?.startsWith('bybit:')) return runBacktestCli(args, io);
  const env = getEnv();
  const db = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 2 });
  let ex;
  try {
    await migrateDb(db);
    ex = await openExchange(env);
    const source = bybitCandleSource(ex.exchange, db.db, (l) => line(io.stderr, l));
    return await runBacktestCli(args, io, { sources: { bybit: source } });
  } finally {
    await ex?.close();
    await db.close();
  }
}
