// `bosun strategy new|list|check` and `bosun backtest --strategy FILE` through the real CLI: the
// template loads and backtests unmodified, broken files are named with file:line, exit codes 0/1/2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runBosun } from '../helpers/cli.js';

const DATA = join(ROOT, 'assets/demo/btcusdt-1m.csv');

function workdir(): { cwd: string; env: Record<string, string> } {
  const cwd = mkdtempSync(join(tmpdir(), 'bosun-strategy-cli-'));
  return { cwd, env: { BOSUN_STRATEGY_DIR: join(cwd, 'strategies'), BOSUN_CONFIG: '' } };
}

describe('bosun strategy', () => {
  it('new writes a template that checks, lists and backtests as written, and never overwrites', async () => {
    const { cwd, env } = workdir();
    const made = await runBosun(['strategy', 'new', 'my-strat'], { cwd, env });
    expect(made.code).toBe(0);
    const file = join(cwd, 'strategies', 'my-strat.ts');
    expect(readFileSync(file, 'utf8')).toContain("name: 'my-strat'");
    const again = await runBosun(['strategy', 'new', 'my-strat'], { cwd, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; not overwritten');

    const check = await runBosun(['strategy', 'check', 'strategies/my-strat.ts'], { cwd, env });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^my-strat: ok — 300 bars, [1-9]\d* signals/);

    const list = await runBosun(['strategy', 'list'], { cwd, env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('sma-cross — long when SMA(fast) crosses above SMA(slow)');
    expect(list.stdout).toContain('fast = 10  (1..10000, integer)  fast SMA period in bars');
    expect(list.stdout).toContain('period = 20  (2..500, integer)  SMA period in bars');

    const bt = await runBosun(
      ['backtest', '--data', DATA, '--strategy', 'strategies/my-strat.ts', '--json'],
      {
        cwd,
        env,
      },
    );
    expect(bt.code).toBe(0);
    const doc = JSON.parse(bt.stdout) as { strategy: string; stats: Record<string, unknown> };
    expect(doc.strategy).toBe('my-strat');
    expect(Number(doc.stats.trades)).toBeGreaterThan(0);
  }, 60_000);

  it('list marks broken files with their error and check exits 1 naming file:line', async () => {
    const { cwd, env } = workdir();
    await runBosun(['strategy', 'new', 'good'], { cwd, env });
    const dir = join(cwd, 'strategies');
    writeFileSync(
      join(dir, 'boom.ts'),
      "export default {\n  create() {\n    return {\n      onBar() {\n        throw new Error('no data');\n      },\n    };\n  },\n};\n",
    );
    writeFileSync(join(dir, 'typo.ts'), 'export default {\n  create(setup { return {}; },\n};\n');
    const list = await runBosun(['strategy', 'list'], { cwd, env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(
      `typo — BROKEN: ${join(dir, 'typo.ts')}:2:15: cannot load: Expected ")" but found "{"`,
    );
    expect(list.stdout).toMatch(/good — long when the close crosses above its SMA/);

    const boom = await runBosun(['strategy', 'check', join(dir, 'boom.ts')], { cwd, env });
    expect(boom.code).toBe(1);
    expect(boom.stderr).toMatch(/boom\.ts:5:\d+: onBar threw: no data/);

    writeFileSync(
      join(dir, 'late.ts'),
      "export default {\n  create() {\n    throw new Error('bad setup');\n  },\n};\n",
    );
    const late = await runBosun(['strategy', 'check', join(dir, 'late.ts')], { cwd, env });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/late\.ts:3:\d+: create threw: bad setup/);

    const bt = await runBosun(['backtest', '--data', DATA, '--strategy', join(dir, 'typo.ts')], { cwd, env });
    expect(bt.code).toBe(2);
    expect(bt.stderr).toContain('typo.ts:2:15: cannot load');
  }, 60_000);

  it('answers --help and refuses bad usage with exit 2', async () => {
    const help = await runBosun(['strategy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: bosun strategy new NAME | list | check FILE');
    expect((await runBosun(['strategy'])).code).toBe(2);
    expect((await runBosun(['strategy', 'new', 'Bad Name'])).code).toBe(2);
    expect((await runBosun(['strategy', 'check'])).code).toBe(2);
  });
});
