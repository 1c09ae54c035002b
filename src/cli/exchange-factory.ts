// Builds the exchange for the configured environment: the in-process simulator for BYBIT_ENV=sim (unless
// BYBIT_REST_URL points at a running `bosun sim`), the simulator on Bybit's live public data for paper (no
// key; BYBIT_REST_URL / BYBIT_WS_URL name the public hosts), else Bybit with credentials from the
// environment or the encrypted store. Part of the composition root: the only place that picks an exchange.
import { type Db, openDb } from '../db/client.js';
import { loadPaperAccount, savePaperAccount } from '../db/repos/paper-accounts.js';
import { createBybitExchange, type BybitExchange } from '../exchange/bybit/index.js';
import { AuthError } from '../exchange/bybit/errors.js';
import { PAPER_REST_URL, PAPER_WS_URL, startPaper, type AccountStore } from '../exchange/paper/index.js';
import { startSim, type SimHandle, type SimOptions } from '../exchange/sim/index.js';
import type { BybitEnv, Env } from '../platform/env.js';
import { ConfigError } from '../platform/errors.js';
import { loadMasterKey } from '../platform/master-key.js';
import { loadSecret } from '../platform/secrets.js';
import type { Logger } from '../platform/logger.js';
import type { KeyValidator } from './keys.js';
import { embeddedDir } from './migrate.js';

export const SIM_KEY = 'sim-key';
export const SIM_SECRET = 'sim-secret';

export interface ExchangeHandle {
  exchange: BybitExchange;
  sim: SimHandle | null;
  close(): Promise<void>;
}

async function storedCredentials(
  env: Env & { bybitEnv: BybitEnv },
): Promise<{ key: string; secret: string } | null> {
  if (!env.masterKey && !env.masterKeyFile) return null;
  const mk = loadMasterKey(env);
  if (!mk) return null;
  const h = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 1 });
  try {
    return await loadSecret(h.db, mk, 'bybit', env.bybitEnv);
  } finally {
    await h.close();
  }
}

export async function credentialsFor(env: Env): Promise<{ key: string; secret: string }> {
  // Paper never signs anything for Bybit: its orders go to the in-process simulator, which has its own key.
  if (env.bybitEnv === 'paper') return { key: SIM_KEY, secret: SIM_SECRET };
  if (env.bybitApiKey && env.bybitApiSecret) return { key: env.bybitApiKey, secret: env.bybitApiSecret };
  // The sim follows testnet's path: a key stored with `bosun keys set bybit --env sim` comes first.
  const stored = await storedCredentials({ ...env, bybitEnv: env.bybitEnv });
  if (stored) return stored;
  if (env.bybitEnv === 'sim') return { key: SIM_KEY, secret: SIM_SECRET };
  throw new ConfigError(
    `no Bybit ${env.bybitEnv} credentials: set BYBIT_API_KEY and BYBIT_API_SECRET, or store them with \`bosun keys set bybit --env ${env.bybitEnv}\``,
  );
}

/** The public hosts paper trading reads (BYBIT_REST_URL / BYBIT_WS_URL override them). */
export function paperVenue(env: Env): { restUrl: string; wsUrl: string } {
  return { restUrl: env.bybitRestUrl ?? PAPER_REST_URL, wsUrl: env.bybitWsUrl ?? PAPER_WS_URL };
}

/** Paper balances in the bot's database (or a handle of its own when none is given, e.g. `bosun doctor`). */
async function paperStore(
  env: Env,
  db: Db | undefined,
): Promise<{ store: AccountStore; close(): Promise<void> }> {
  const own = db ? null : await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 2 });
  const d = db ?? (own as { db: Db }).db;
  return {
    store: { load: (key) => loadPaperAccount(d, key), save: (key, a) => savePaperAccount(d, key, a) },
    close: async () => await own?.close(),
  };
}

async function openPaper(
  env: Env,
  opts: { logger?: Logger; db?: Db; balance?: string },
): Promise<ExchangeHandle> {
  const venue = paperVenue(env);
  const { store, close: closeStore } = await paperStore(env, opts.db);
  const log = opts.logger;
  let sim: SimHandle;
  try {
    sim = await startPaper({
      ...venue,
      key: SIM_KEY,
      secret: SIM_SECRET,
      store,
      ...(opts.balance ? { balance: opts.balance } : {}),
      ...(log ? { log: (line: string) => log.info(line) } : {}),
    });
  } catch (e) {
    await closeStore();
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
  const exchange = createBybitExchange({
    env: 'paper',
    key: SIM_KEY,
    secret: SIM_SECRET,
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    ...(log ? { logger: log } : {}),
  });
  return {
    exchange,
    sim,
    close: async () => {
      await exchange.close();
      await sim.close();
      await closeStore();
    },
  };
}

export async function openExchange(
  env: Env,
  /**
   * checkKey: ask the venue whether it takes the key before anything subscribes (`bosun start`). db: the
   * bot's database, where paper trading keeps its balances.
   */
  opts: { sim?: SimOptions; logger?: Logger; checkKey?: boolean; db?: Db } = {},
): Promise<ExchangeHandle> {
  if (env.bybitEnv === 'paper')
    return openPaper(env, {
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.db ? { db: opts.db } : {}),
      ...(opts.sim?.balance ? { balance: opts.sim.balance } : {}),
    });
  const creds = await credentialsFor(env);
  let sim: SimHandle | null = null;
  let restUrl = env.bybitRestUrl;
  let wsUrl = env.bybitWsUrl;
  if (env.bybitEnv === 'sim' && !restUrl) {
    sim = await startSim({ port: 0, key: creds.key, secret: creds.secret, ...opts.sim });
    restUrl = sim.restUrl;
    wsUrl = sim.wsUrl;
  }
  if (env.bybitEnv === 'sim' && !wsUrl && restUrl) wsUrl = restUrl.replace(/^http/, 'ws');
  const exchange = createBybitExchange({
    env: env.bybitEnv,
    key: creds.key,
    secret: creds.secret,
    ...(restUrl ? { restUrl } : {}),
    ...(wsUrl ? { wsUrl } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  // A refused key shows first on the private stream as a missing acknowledgement; ask over REST, where
  // the venue says why, before anything subscribes.
  if (!sim && opts.checkKey) await checkKey(env, exchange);
  return {
    exchange,
    sim,
    close: async () => {
      await exchange.close();
      await sim?.close();
    },
  };
}

function credentialSource(env: Env): string {
  return env.bybitApiKey
    ? 'BYBIT_API_KEY / BYBIT_API_SECRET'
    : `the key stored with \`bosun keys set bybit --env ${env.bybitEnv}\``;
}

async function checkKey(env: Env, exchange: BybitExchange): Promise<void> {
  try {
    await exchange.walletBalance();
  } catch (e) {
    if (!(e instanceof AuthError)) return; // unreachable venue etc.: the streams retry and report it
    await exchange.close();
    throw new ConfigError(
      `Bybit (BYBIT_ENV=${env.bybitEnv}) refused the API key${e.code === null ? '' : ` (code ${e.code})`}: ${credentialSource(env)} is wrong, expired, IP-restricted or for another environment; fix it with \`bosun keys set bybit --env ${env.bybitEnv}\` (read from stdin) or correct BYBIT_API_KEY and BYBIT_API_SECRET, then \`bosun doctor\``,
    );
  }
}

/** Where `bosun sim` listens by default, for validating sim keys when BYBIT_REST_URL is unset. */
export const DEFAULT_SIM_URL = 'http://127.0.0.1:9100';

/** `bosun keys set` validation: the key must read the UNIFIED wallet of the environment it is for. */
export function exchangeKeyValidator(env: Env): KeyValidator {
  return async (bybitEnv, key, secret) => {
    const restUrl =
      (bybitEnv === env.bybitEnv ? env.bybitRestUrl : undefined) ??
      (bybitEnv === 'sim' ? DEFAULT_SIM_URL : undefined);
    const ex = createBybitExchange({
      env: bybitEnv,
      key,
      secret,
      ...(restUrl ? { restUrl } : {}),
      timeoutMs: 5000,
    });
    try {
      await ex.walletBalance();
      return { ok: true };
    } catch (e) {
      if (bybitEnv === 'sim' && !(e instanceof AuthError))
        return {
          ok: false,
          reason: `no simulator answered at ${restUrl ?? DEFAULT_SIM_URL}: start \`bosun sim\` (with --key/--secret), or set BYBIT_REST_URL to the one you run`,
        };
      return { ok: false, reason: e instanceof Error ? e.message : 'the exchange refused the key' };
    } finally {
      await ex.close();
    }
  };
}
