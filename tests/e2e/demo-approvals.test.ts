// The demo a person can follow (issue 21, item 10): `bosun demo` run as a scripted session for a few
// minutes of wall clock (BOSUN_DEMO_TEST_SECONDS, default 300; the acceptance run is 600) asks for at most
// a handful of approvals, spaced so each can be answered before it expires, and trades meanwhile; the
// operator approves the first request in time and sees it go through. The loss cool-down does not fire
// over and over.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SECONDS = Number(process.env.BOSUN_DEMO_TEST_SECONDS ?? 300);

describe('bosun demo approvals', () => {
  it(
    `asks for at most a handful of approvals over ${SECONDS} s, each answerable in time, and trades`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bosun-demo-appr-'));
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...process.env, BOSUN_DATA_DIR: dir, LOG_LEVEL: 'warn' }))
        if (v !== undefined && !['DATABASE_URL', 'BYBIT_REST_URL', 'BYBIT_ENV'].includes(k)) env[k] = v;
      const child = spawn(process.execPath, [`${ROOT}/bin/bosun.js`, 'demo'], { cwd: ROOT, env });
      let out = '';
      const requests = new Map<number, number>(); // approval id → when its card was printed
      let approvedReply = '';
      let partial = '';
      child.stdout.on('data', (d: Buffer) => {
        const chunk = d.toString();
        out += chunk;
        // Whole lines only: a card's title may arrive split over two chunks.
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) {
          const m = /^== (?:\[[^\]]*\] )?Approval #(\d+): (?:BUY|SELL) \w+ ==$/.exec(l);
          const id = Number(m?.[1]);
          if (!m || requests.has(id)) continue;
          requests.set(id, Date.now());
          // The operator answers the first request after reading it for 20 seconds.
          if (requests.size === 1)
            setTimeout(() => {
              approvedReply = out.length.toString();
              child.stdin.write(`/approve ${id}\n`);
            }, 20_000);
        }
      });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      // A request near the end still gets its answer before the session ends.
      const first = [...requests.values()][0];
      if (first !== undefined && first + 40_000 > Date.now())
        await new Promise((r) => setTimeout(r, first + 40_000 - Date.now()));
      child.stdin.end('/trades\n/quit\n');
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });

      const n = requests.size;
      const when = `requests at ${[...requests.values()].map((t) => `${Math.round((t - t0) / 1000)} s`).join(', ')}`;
      // A handful: at most six in ten minutes (one every 100 s on average), and at least one to answer.
      expect(n, out.slice(-3000)).toBeGreaterThanOrEqual(1);
      expect(n, when).toBeLessThanOrEqual(Math.max(3, Math.ceil(SECONDS / 100)));
      // The card gives the operator minutes, not seconds.
      expect(out).toMatch(/expires in (?:[3-9]m|\d\dm)/);
      // Approved in time: it went to the exchange, not "expired".
      expect(approvedReply, when).not.toBe('');
      expect(out.slice(Number(approvedReply))).toMatch(/Approved #\d+/);
      expect(out).not.toMatch(/not counted.*expired/i);
      // The small strategy trades straight through meanwhile.
      expect(
        (out.match(/^== (?:\[[^\]]*\] )?Filled: (?:BUY|SELL) BTCUSDT ==$/gm) ?? []).length,
      ).toBeGreaterThanOrEqual(2);
      // The loss cool-down may fire, but not over and over.
      expect((out.match(/cool-?down/gi) ?? []).length).toBeLessThanOrEqual(3);
    },
    SECONDS * 1000 + 130_000,
  );
});
