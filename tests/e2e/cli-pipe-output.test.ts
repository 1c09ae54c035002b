// A command's output read through a pipe arrives whole: `bosun backtest --json | jq` must see the same
// document a file redirect gets, even when the reader is slow and the output is many pipe buffers long.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Runs `bosun ARGS | READER` in a shell and returns what the reader printed. */
function throughPipe(args: string[], reader: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const cmd = `"${process.execPath}" bin/bosun.js ${args.join(' ')} | ${reader}`;
    const child = spawn('sh', ['-c', cmd], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

const BACKTEST = [
  'backtest',
  '--data',
  'assets/demo/btcusdt-1m.csv',
  '--strategy',
  'sma-cross',
  '--param',
  'fast=2',
  '--param',
  'slow=5',
  // The all-in broker trades at every cross, which makes a document larger than a pipe buffer.
  '--compat',
  'backtesting.py',
  '--qty-step',
  '0.001',
  '--json',
];

describe('output through a pipe', () => {
  it('bosun backtest --json piped into a slow reader is one whole JSON document (more than a pipe buffer)', async () => {
    // The reader sleeps before reading, so the pipe is full when bosun has finished its work.
    const doc = await throughPipe(BACKTEST, '(sleep 1; cat)');
    expect(doc.length).toBeGreaterThan(100_000);
    const parsed = JSON.parse(doc) as { trades: unknown[]; stats: { trades: number } };
    expect(parsed.trades.length).toBe(parsed.stats.trades);
    // The byte count a slow pipe reader sees equals the document that same run wrote (a second run's
    // document can differ by a digit of elapsedMs, so both figures come from one run).
    const copy = join(mkdtempSync(join(tmpdir(), 'bosun-pipe-')), 'doc.json');
    const bytes = await throughPipe(BACKTEST, `(sleep 1; tee "${copy}" | wc -c)`);
    const same = readFileSync(copy, 'utf8');
    expect(JSON.parse(same)).toMatchObject({ stats: { trades: parsed.stats.trades } });
    expect(Number(bytes.trim())).toBe(Buffer.byteLength(same));
  }, 60_000);
});
