// `bosun doctor`: one line per check with ✓/✗ and a fix hint; exit 1 if anything failed.
import { readdirSync } from 'node:fs';
import { appliedMigrations, MIGRATIONS_DIR, openDb } from '../db/client.js';
import { loadConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';
import { ConfigError } from '../platform/errors.js';
import { describeRedisUrl, probeRedis } from '../queue/connection.js';
import { embeddedDir } from './migrate.js';
import { line, type CliIo } from './io.js';

export const DOCTOR_HELP = `usage: bosun doctor

Checks configuration, database (reachable, migrations current), Redis (reachable, version,
eviction policy noeviction), the exchange (clock skew, key valid, UNIFIED account, environment),
the master key when secrets are stored, Telegram (getMe) and Slack (auth.test) when configured.
One line per check with ✓/✗ and a fix hint; exit status 1 if any check failed.`;

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

export type Check = () => Promise<CheckResult>;

function expectedMigrations(): number {
  return readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
}

export function coreChecks(env: Env): Check[] {
  return [
    async () => {
      try {
        const { config, source } = loadConfig(env.configPath);
        return {
          name: 'config',
          ok: true,
          detail: `${source}: ${config.strategies.length} strategies, approvals ${config.approvals.mode}, exchange ${env.bybitEnv}`,
        };
      } catch (e) {
        const msg = e instanceof ConfigError ? e.message : String(e);
        return { name: 'config', ok: false, detail: msg, hint: 'fix the named key; see bosun.example.yaml' };
      }
    },
    async () => {
      let h;
      try {
        h = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 1 });
        const applied = await appliedMigrations(h.db);
        const expected = expectedMigrations();
        if (applied < expected) {
          return {
            name: 'database',
            ok: false,
            detail: `${h.where}: ${applied} of ${expected} migrations applied`,
            hint: 'run `bosun migrate`',
          };
        }
        return { name: 'database', ok: true, detail: `${h.where}: migrations current (${applied})` };
      } catch (e) {
        return {
          name: 'database',
          ok: false,
          detail: e instanceof Error ? e.message : String(e),
          hint: env.databaseUrl
            ? 'check DATABASE_URL and that Postgres is running (`docker compose up -d postgres`)'
            : 'check that BOSUN_DATA_DIR is writable',
        };
      } finally {
        await h?.close();
      }
    },
    async () => {
      const r = await probeRedis(env.redisUrl);
      const where = describeRedisUrl(env.redisUrl);
      if (!r.ok) {
        return {
          name: 'redis',
          ok: false,
          detail: `${where}: ${r.error}`,
          hint: 'start Redis: `docker compose up -d redis` or `apt-get install redis-server`; or set REDIS_URL',
        };
      }
      if (r.evictionPolicy !== 'noeviction') {
        return {
          name: 'redis',
          ok: false,
          detail: `${where}: Redis ${r.version}, maxmemory-policy ${r.evictionPolicy}`,
          hint: 'BullMQ needs `maxmemory-policy noeviction` (redis-cli config set maxmemory-policy noeviction)',
        };
      }
      return { name: 'redis', ok: true, detail: `${where}: Redis ${r.version}, maxmemory-policy noeviction` };
    },
  ];
}

export async function runChecks(checks: Check[], io: CliIo): Promise<number> {
  let failed = 0;
  for (const check of checks) {
    const r = await check();
    if (!r.ok) failed++;
    line(
      io.stdout,
      `${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}${r.ok || !r.hint ? '' : `\n    fix: ${r.hint}`}`,
    );
  }
  line(io.stdout, failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}

export async function runDoctor(env: Env, io: CliIo): Promise<number> {
  const { chatConfiguredCheck, exchangeCheck, masterKeyCheck, modeCheck, slackCheck, telegramCheck } =
    await import('./doctor-checks.js');
  const checks: Check[] = [modeCheck(env), ...coreChecks(env), exchangeCheck(env), masterKeyCheck(env)];
  for (const c of [telegramCheck(env), slackCheck(env), chatConfiguredCheck(env)]) if (c) checks.push(c);
  return runChecks(checks, io);
}
