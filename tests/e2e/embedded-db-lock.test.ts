// A second process on one embedded database folder is refused in one line naming the process that holds
// it; once that process is gone (killed, so it could not clean up) the folder opens again.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runBosun } from '../helpers/cli.js';
import { dropPrefix, testPrefix } from '../helpers/redis.js';

describe('one process per embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bosun-lock-'));
  const prefix = testPrefix('lock');
  const env = {
    BOSUN_DATA_DIR: dataDir,
    BOSUN_QUEUE_PREFIX: prefix,
    BOSUN_HTTP_PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
    BYBIT_ENV: 'sim',
    DATABASE_URL: undefined,
    BOSUN_CONFIG: undefined,
    LOG_LEVEL: 'warn',
  };
  let bot: ChildProcessWithoutNullStreams | undefined;

  afterAll(async () => {
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    await dropPrefix(prefix);
  });

  it('refuses `bosun migrate` while `bosun start` holds the folder, and opens it after that process died', async () => {
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
    const started = spawn(process.execPath, [`${ROOT}/bin/bosun.js`, 'start'], { cwd: ROOT, env: childEnv });
    bot = started;
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const t = setTimeout(() => reject(new Error(`bosun start did not come up: ${err}`)), 60_000);
      started.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/bosun all running/.test(err)) {
          clearTimeout(t);
          resolve();
        }
      });
      started.once('exit', () => reject(new Error(`bosun start exited: ${err}`)));
    });

    const second = await runBosun(['migrate'], { env });
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`in use by process ${started.pid}`);
    expect(lines[0]).toContain('DATABASE_URL');

    const exited = new Promise((r) => started.once('exit', r));
    started.kill('SIGKILL');
    await exited;
    const after = await runBosun(['migrate'], { env });
    expect(after.stderr).not.toContain('in use');
    expect(after.code).toBe(0);
  }, 120_000);
});
