// Builds the exchange for the configured environment: the in-process simulator for BYBIT_ENV=sim (unless
// BYBIT_REST_URL points at a running `bosun sim`), else Bybit with credentials from the environment or
// the encrypted store. Part of the composition root: the only place that picks a concrete exchange.
import { openDb } from '../db/client.js';
import { createBybitExchange, type BybitExchange } from '../exchange/bybit/index.js';
import { AuthError } from '../exchange/bybit/errors.js';
import { startSim, type SimHandle, type SimOptions } from '../exchange/sim/index.js';
import type { Env } from '../platform/env.js';
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

async function storedCredentials(env: Env): Promise<{ key: string; secret: string } | null> {
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
  if (env.bybitApiKey && env.bybitApiSecret) return { key: env.bybitApiKey, secret: env.bybitApiSecret };
  // The sim follows testnet's path: a key stored with `bosun keys set bybit --env sim` comes first.
  const stored = await storedCredentials(env);
  if (stored) return stored;
  if (env.bybitEnv === 'sim') return { key: SIM_KEY, secret: SIM_SECRET };
  throw new ConfigError(
    `no Bybit ${env.bybitEnv} credentials: set BYBIT_API_KEY and BYBIT_API_SECRET, or store them with \`bosun keys set bybit --env ${env.bybitEnv}\``,
  );
}

export async function openExchange(
  env: Env,
  /** checkKey: ask the venue whether it takes the key before anything subscribes (`bosun start`). */
  opts: { sim?: SimOptions; logger?: Logger; checkKey?: boolean } = {},
): Promise<ExchangeHandle> {
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
