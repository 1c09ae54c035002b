// `bosun sim` as its own process, driven by the real bybit-api SDK through our adapter.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClientV5 } from 'bybit-api';
import { createBybitExchange } from '../../src/exchange/bybit/index.js';
import { dec } from '../../src/domain/decimal.js';
import type { FillReport } from '../../src/exchange/port.js';
import { ROOT } from '../helpers/cli.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

describe('bosun sim, standalone', () => {
  let child: ChildProcessWithoutNullStreams;
  let url = '';
  let db: TestDb;

  beforeAll(async () => {
    db = await freshPgDb();
    child = spawn(process.execPath, [`${ROOT}/bin/bosun.js`, 'sim', '--port', '0', '--speed', '0'], {
      cwd: ROOT,
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`no "listening on" line: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m?.[1]) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
    });
  }, 40_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db?.close();
  });

  it('prints exactly one "listening on" line; a market order fills on the private stream within 100 ms and reads back from /v5/execution/list', async () => {
    const ex = createBybitExchange({
      env: 'sim',
      restUrl: url,
      wsUrl: url.replace('http', 'ws'),
      key: 'sim-key',
      secret: 'sim-secret',
    });
    try {
      const fills: { f: FillReport; at: number }[] = [];
      await ex.subscribeExecutions((f) => fills.push({ f, at: Date.now() }));
      const sent = Date.now();
      const order = await ex.placeOrder({
        category: 'linear',
        symbol: 'BTCUSDT',
        side: 'buy',
        type: 'market',
        qty: dec('0.01'),
        orderLinkId: 'e2e-sim-1',
      });
      const acked = Date.now();
      const deadline = Date.now() + 2000;
      while (!fills.some((x) => x.f.orderLinkId === 'e2e-sim-1') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const fill = fills.find((x) => x.f.orderLinkId === 'e2e-sim-1');
      expect(fill).toBeDefined();
      // Within 100 ms of the exchange accepting the order (the stream may even beat the REST answer).
      expect((fill?.at ?? Infinity) - acked).toBeLessThan(100);
      expect(acked - sent).toBeLessThan(2000);
      const sdk = new RestClientV5({ key: 'sim-key', secret: 'sim-secret', baseUrl: url });
      const list = await sdk.getExecutionList({ category: 'linear', orderId: order.orderId });
      expect(list.retCode).toBe(0);
      expect(list.result.list.map((e) => e.execId)).toContain(fill?.f.execId);
    } finally {
      await ex.close();
    }
    expect((child.stdout.read() as Buffer | null)?.toString() ?? '').not.toMatch(/listening on/);
  });
  // bosun console against a running bot (bosun sim + bosun start + bosun console, embedded database):
  // tests/e2e/readme-sim-console.test.ts.
});
