import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/platform/env.js';
import { ConfigError } from '../../src/platform/errors.js';
import { runBosun } from '../helpers/cli.js';

function err(src: Record<string, string>): string {
  try {
    loadEnv(src);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('environment validation', () => {
  it('applies the CONTRACT defaults', () => {
    const env = loadEnv({});
    expect(env.bybitEnv).toBe('sim');
    expect(env.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(env.databaseUrl).toBeUndefined();
    expect(env.dataDir).toBe('./.bosun');
    expect(env.httpPort).toBe(9464);
    expect(env.slackPort).toBe(3000);
    expect(env.telegramApiRoot).toBe('https://api.telegram.org');
  });

  it('names the variable and the accepted values', () => {
    expect(err({ REDIS_URL: 'nonsense' })).toMatch(/^REDIS_URL="nonsense" is invalid: expected a redis:\/\//);
    expect(err({ BYBIT_ENV: 'prod' })).toBe(
      'BYBIT_ENV="prod" is invalid: expected one of sim, paper, testnet, demo, mainnet',
    );
    expect(err({ BOSUN_HTTP_PORT: '70000' })).toMatch(/BOSUN_HTTP_PORT.*1-65535/);
    expect(err({ LOG_LEVEL: 'loud' })).toMatch(/LOG_LEVEL.*one of fatal, error/);
    expect(err({ BOSUN_ADMINS: 'telegram:1,discord:2' })).toMatch(/BOSUN_ADMINS.*telegram:12345,slack:U0123/);
    expect(err({ DATABASE_URL: 'mysql://x/y' })).toMatch(/DATABASE_URL.*postgres:\/\//);
  });

  it('refuses mainnet without the explicit opt-in, and says so', () => {
    expect(err({ BYBIT_ENV: 'mainnet' })).toMatch(/BOSUN_ALLOW_MAINNET=yes/);
    expect(loadEnv({ BYBIT_ENV: 'mainnet', BOSUN_ALLOW_MAINNET: 'yes' }).bybitEnv).toBe('mainnet');
  });

  it('never echoes a secret value in the message', () => {
    const msg = err({ BOSUN_MASTER_KEY: 'c2hvcnQta2V5LXZhbHVl' });
    expect(msg).toMatch(/BOSUN_MASTER_KEY/);
    expect(msg).not.toContain('c2hvcnQta2V5LXZhbHVl');
    const m2 = err({ BYBIT_API_KEY: 'abc123key' });
    expect(m2).toMatch(/BYBIT_API_SECRET/);
    expect(m2).not.toContain('abc123key');
  });

  it('parses bootstrap admins', () => {
    expect(loadEnv({ BOSUN_ADMINS: 'telegram:12345, slack:U0123' }).admins).toEqual([
      { platform: 'telegram', userId: '12345' },
      { platform: 'slack', userId: 'U0123' },
    ]);
  });
});

describe('the bosun CLI on bad environment', () => {
  for (const [name, value, pattern] of [
    ['REDIS_URL', 'nonsense', /^bosun: REDIS_URL="nonsense" is invalid: expected a redis:\/\/host:port/],
    [
      'BYBIT_ENV',
      'prod',
      /^bosun: BYBIT_ENV="prod" is invalid: expected one of sim, paper, testnet, demo, mainnet$/,
    ],
  ] as const) {
    it(`${name}=${value} prints one line and exits 1 without a stack trace`, async () => {
      const r = await runBosun(['doctor'], { env: { [name]: value } });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(r.stdout).toBe('');
    });
  }

  it('answers an unknown command with the nearest one and exit 2', async () => {
    const r = await runBosun(['migrat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean "migrate"');
  });
});
