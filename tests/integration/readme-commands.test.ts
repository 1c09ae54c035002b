// Every command in a README code block marked `bash runnable` runs and exits 0 on a fresh data dir.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function runnableCommands(markdown: string): string[] {
  const out: string[] = [];
  const re = /```bash runnable\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    for (const raw of (m[1] ?? '').split('\n')) {
      const line = raw.trim();
      if (line && !line.startsWith('#')) out.push(line);
    }
  }
  return out;
}

describe('README', () => {
  const commands = runnableCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('has runnable examples', () => {
    expect(commands.length).toBeGreaterThanOrEqual(4);
  });

  const dir = mkdtempSync(join(tmpdir(), 'bosun-readme-'));
  for (const cmd of commands) {
    it(`runs: ${cmd}`, () => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env))
        if (v !== undefined && k !== 'DATABASE_URL') env[k] = v;
      env.BOSUN_DATA_DIR = dir;
      const r = spawnSync('sh', ['-c', cmd.replace(/\.bosun\//g, `${dir}/`)], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(r.stderr.replace(/npm warn.*\n/g, '')).not.toMatch(/error|unexpected/i);
      expect(r.status).toBe(0);
    }, 100_000);
  }
});
