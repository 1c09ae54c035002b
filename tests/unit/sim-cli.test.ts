// `bosun sim` argument handling: one ready line on stdout, clean stop, usage errors exit 2.
import { describe, expect, it } from 'vitest';
import { runSimCli } from '../../src/exchange/sim/index.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  return {
    out,
    err,
    stop: () => stop(),
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), untilStopped: () => stopped },
  };
}

describe('runSimCli', () => {
  it('prints exactly one "listening on" line, serves, applies --fault, and exits 0 when stopped', async () => {
    const t = io();
    const done = runSimCli(
      ['--port', '0', '--speed', '0', '--fault', 'skew=2000', '--balance', '5000USDT,1BTC'],
      t.io,
    );
    for (let i = 0; i < 100 && t.out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(t.out).toHaveLength(1);
    const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(t.out[0] ?? '');
    expect(m).not.toBeNull();
    const res = await fetch(`${m?.[1]}/v5/market/time`);
    const body = (await res.json()) as { retCode: number; time: number };
    expect(body.retCode).toBe(0);
    expect(body.time - Date.now()).toBeGreaterThan(1500);
    t.stop();
    expect(await done).toBe(0);
    expect(t.out).toHaveLength(1);
  });

  it('exits 2 with a message naming the problem on usage errors', async () => {
    for (const [argv, needle] of [
      [['--bogus'], 'unknown option "--bogus"'],
      [['--port', 'x'], '--port'],
      [['--fault', 'nope=1'], 'unknown --fault "nope"'],
      [['--balance', 'lots'], '--balance'],
      [['--key', 'k'], '--key and --secret go together'],
    ] as const) {
      const t = io();
      expect(await runSimCli([...argv], t.io)).toBe(2);
      expect(t.err.join('\n')).toContain(needle);
      expect(t.out).toEqual([]);
    }
  });

  it('exits 1 when the data file does not exist', async () => {
    const t = io();
    expect(await runSimCli(['--data', '/nonexistent/candles.csv'], t.io)).toBe(1);
    expect(t.err.join('\n')).toContain('not found');
  });
});
