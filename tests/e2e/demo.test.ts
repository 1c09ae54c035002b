// `bosun demo` as a new user runs it: scripted through stdin, and with Redis unavailable.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBosun } from '../helpers/cli.js';

describe('bosun demo', () => {
  it('answers /status with the simulator equity and /positions, then exits 0 on /quit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-demo-'));
    const started = Date.now();
    const r = await runBosun(['demo'], {
      env: { BOSUN_DATA_DIR: dir, DATABASE_URL: undefined, BYBIT_REST_URL: undefined, LOG_LEVEL: undefined },
      input: '/status\n/positions\n/quit\n',
      timeoutMs: 60_000,
    });
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/== Status: ACTIVE ==/);
    expect(r.stdout).toMatch(/Equity\s+100,000\.00 USDT/);
    expect(r.stdout).toMatch(/Mode\s+paper \(sim\)/);
    expect(r.stdout).toMatch(/== Positions/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 70_000);

  it('with Redis unreachable: one line saying how to start it, exit 1, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-demo-'));
    const r = await runBosun(['demo'], {
      env: { BOSUN_DATA_DIR: dir, DATABASE_URL: undefined, REDIS_URL: 'redis://127.0.0.1:1' },
      input: '/status\n/quit\n',
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^bosun: Redis is not reachable at redis:\/\/127\.0\.0\.1:1 .*docker compose up -d redis/,
    );
    expect(r.stdout).toBe('');
  }, 40_000);
});
