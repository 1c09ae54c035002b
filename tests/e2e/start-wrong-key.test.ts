// `bosun start` with a key the exchange refuses ends at once, in one line that says the key was refused
// (Bybit's code 10003), for which environment, and how to fix it; exit status 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { runBosun } from '../helpers/cli.js';
import { dropPrefix, testPrefix } from '../helpers/redis.js';

describe('bosun start with a wrong API key', () => {
  let sim: SimHandle;
  const dir = mkdtempSync(join(tmpdir(), 'bosun-badkey-'));
  const prefix = testPrefix('badkey');
  beforeAll(async () => {
    sim = await startSim({ port: 0, speed: 0 });
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
    await dropPrefix(prefix);
  });

  it('says the key was refused (code 10003) for BYBIT_ENV=sim and how to fix it, and exits 1', async () => {
    const r = await runBosun(['start'], {
      env: {
        BOSUN_DATA_DIR: dir,
        DATABASE_URL: undefined,
        BOSUN_CONFIG: undefined,
        BOSUN_QUEUE_PREFIX: prefix,
        BOSUN_HTTP_PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
        BYBIT_ENV: 'sim',
        BYBIT_REST_URL: sim.restUrl,
        BYBIT_WS_URL: sim.wsUrl,
        BYBIT_API_KEY: 'not-the-key',
        BYBIT_API_SECRET: 'not-the-secret',
        LOG_LEVEL: 'silent',
      },
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('refused the API key');
    expect(lines[0]).toContain('10003');
    expect(lines[0]).toContain('BYBIT_ENV=sim');
    expect(lines[0]).toContain('bosun keys set bybit --env sim');
    expect(lines[0]).not.toContain('no acknowledgement');
    expect(lines[0]).not.toContain('not-the-secret');
  }, 70_000);
});
