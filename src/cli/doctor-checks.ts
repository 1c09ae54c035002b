// `bosun doctor`'s outward checks: the exchange (clock skew, key, UNIFIED account, environment),
// Telegram getMe, Slack auth.test, and the master key when secrets are stored.
import { count } from 'drizzle-orm';
import { appliedMigrations, openDb } from '../db/client.js';
import { secrets } from '../db/schema/index.js';
import type { Env } from '../platform/env.js';
import { loadMasterKey } from '../platform/master-key.js';
import type { Check, CheckResult } from './doctor.js';
import { DEFAULT_SIM_URL, openExchange, paperVenue } from './exchange-factory.js';
import { embeddedDir } from './migrate.js';

const SKEW_WARN_MS = 1000;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Which mode the bot trades in, as the first line: sim / paper / testnet / demo / mainnet. */
export function modeCheck(env: Env): Check {
  return async () => {
    const detail = ((): string => {
      switch (env.bybitEnv) {
        case 'sim':
          return env.bybitRestUrl
            ? `sim: the simulator at ${env.bybitRestUrl} (\`bosun sim\`), simulated prices and balances`
            : `sim: the built-in simulator in this process, simulated prices and balances (\`bosun sim\` serves one at ${DEFAULT_SIM_URL})`;
        case 'paper': {
          const v = paperVenue(env);
          return `paper: simulated orders and balances (kept in the database) on Bybit's live public market data from ${v.restUrl} and ${v.wsUrl}; no API key is used`;
        }
        case 'testnet':
          return 'testnet: Bybit testnet, test coins, testnet prices; needs a testnet API key';
        case 'demo':
          return 'demo: Bybit demo trading, mainnet prices with demo funds; needs a demo-trading API key';
        case 'mainnet':
          return 'mainnet: Bybit with REAL MONEY (BOSUN_ALLOW_MAINNET=yes)';
      }
    })();
    return { name: 'mode', ok: true, detail };
  };
}

export function exchangeCheck(env: Env): Check {
  return async (): Promise<CheckResult> => {
    const name = 'exchange';
    let h;
    try {
      h = await openExchange(env);
    } catch (e) {
      return {
        name,
        ok: false,
        detail: message(e),
        hint:
          env.bybitEnv === 'paper'
            ? 'paper needs no key: check the network and BYBIT_REST_URL / BYBIT_WS_URL (the public hosts), and run `bosun migrate`'
            : 'set BYBIT_API_KEY/BYBIT_API_SECRET or run `bosun keys set bybit`',
      };
    }
    const where =
      env.bybitEnv === 'paper'
        ? 'paper exchange (the live public feed answered)'
        : h.sim
          ? 'built-in simulator'
          : `Bybit ${env.bybitEnv}`;
    try {
      const t0 = Date.now();
      const server = await h.exchange.serverTime();
      const skew = server - (t0 + Date.now()) / 2;
      if (Math.abs(skew) > SKEW_WARN_MS) {
        return {
          name,
          ok: false,
          detail: `${where}: the local clock is ${Math.round(skew)} ms off the exchange's`,
          hint: 'synchronise the clock (e.g. enable NTP: `timedatectl set-ntp true`); signed requests need < 1 s',
        };
      }
      try {
        const b = await h.exchange.walletBalance();
        return {
          name,
          ok: true,
          detail:
            env.bybitEnv === 'paper'
              ? `${where}: ${b.accountType} paper account, equity ${b.totalEquity.toFixed(2)}`
              : `${where}: clock skew ${Math.round(skew)} ms, key valid, ${b.accountType} account, equity ${b.totalEquity.toFixed(2)}`,
        };
      } catch (e) {
        return {
          name,
          ok: false,
          detail: `${where}: the key was refused: ${message(e)}`,
          hint: `check BYBIT_API_KEY/BYBIT_API_SECRET (or \`bosun keys set bybit --env ${env.bybitEnv}\`): the key must be for ${env.bybitEnv}, with read and trade permission on a UNIFIED account`,
        };
      }
    } catch (e) {
      return {
        name,
        ok: false,
        detail: `${where}: not reachable: ${message(e)}`,
        hint: env.bybitRestUrl ? 'check BYBIT_REST_URL' : 'check the network and BYBIT_ENV',
      };
    } finally {
      await h.close();
    }
  };
}

export function telegramCheck(env: Env, fetchImpl: typeof fetch = fetch): Check | null {
  const token = env.telegramBotToken;
  if (!token) return null;
  return async () => {
    try {
      const res = await fetchImpl(`${env.telegramApiRoot.replace(/\/$/, '')}/bot${token}/getMe`, {
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as {
        ok?: boolean;
        result?: { username?: string };
        description?: string;
      };
      if (body.ok) return { name: 'telegram', ok: true, detail: `getMe: @${body.result?.username ?? '?'}` };
      return {
        name: 'telegram',
        ok: false,
        detail: `getMe refused: ${body.description ?? `HTTP ${res.status}`}`,
        hint: 'check TELEGRAM_BOT_TOKEN (from @BotFather)',
      };
    } catch (e) {
      return {
        name: 'telegram',
        ok: false,
        detail: `not reachable: ${message(e)}`,
        hint: 'check TELEGRAM_API_ROOT and the network',
      };
    }
  };
}

export function slackCheck(env: Env, fetchImpl: typeof fetch = fetch): Check | null {
  const token = env.slackBotToken;
  if (!token) return null;
  return async () => {
    try {
      const res = await fetchImpl(`${env.slackApiUrl.replace(/\/?$/, '/')}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as { ok?: boolean; team?: string; user?: string; error?: string };
      if (body.ok)
        return { name: 'slack', ok: true, detail: `auth.test: ${body.user ?? '?'} in ${body.team ?? '?'}` };
      return {
        name: 'slack',
        ok: false,
        detail: `auth.test refused: ${body.error ?? `HTTP ${res.status}`}`,
        hint: 'check SLACK_BOT_TOKEN (xoxb-…) from your Slack app (slack-app-manifest.yml)',
      };
    } catch (e) {
      return {
        name: 'slack',
        ok: false,
        detail: `not reachable: ${message(e)}`,
        hint: 'check SLACK_API_URL and the network',
      };
    }
  };
}

export function masterKeyCheck(env: Env): Check {
  return async () => {
    let h;
    try {
      h = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 1 });
      // Before `bosun migrate` there is no secrets table: say that, not the SQL error it would raise.
      if ((await appliedMigrations(h.db)) === 0) {
        return {
          name: 'master key',
          ok: false,
          detail: 'not checked: the database is not migrated yet',
          hint: 'run `bosun migrate`',
        };
      }
      const [row] = await h.db.select({ n: count() }).from(secrets);
      const stored = row?.n ?? 0;
      if (stored === 0) return { name: 'master key', ok: true, detail: 'no secrets stored' };
      const mk = loadMasterKey(env);
      if (!mk) {
        return {
          name: 'master key',
          ok: false,
          detail: `${stored} secret(s) stored but no master key configured`,
          hint: 'set BOSUN_MASTER_KEY or BOSUN_MASTER_KEY_FILE to the key they were stored with',
        };
      }
      return {
        name: 'master key',
        ok: true,
        detail: `present (key id ${mk.id}), ${stored} secret(s) stored`,
      };
    } catch (e) {
      return {
        name: 'master key',
        ok: false,
        detail: message(e),
        hint: 'check BOSUN_MASTER_KEY / BOSUN_MASTER_KEY_FILE',
      };
    } finally {
      await h?.close();
    }
  };
}

/** No chat at all is allowed (the console works), but the operator should know alerts go nowhere. */
export function chatConfiguredCheck(env: Env): Check | null {
  if (env.telegramBotToken || env.slackBotToken) return null;
  return async () => ({
    name: 'chat',
    ok: true,
    detail:
      'no Telegram or Slack configured: alerts and approvals reach only `bosun console`; set TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN (README: Connect Telegram / Connect Slack)',
  });
}
