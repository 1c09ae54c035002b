// Throughput of the simulator's REST front: signed /v5/order/create, each followed by its cancel, over
// keep-alive HTTP on loopback for ~3 s. The load generator runs in a worker thread (plain JS, no SDK) so it
// does not share the simulator's event loop; both still share this machine's cores.
import { Worker } from 'node:worker_threads';
import { startSim } from '../src/exchange/sim/index.js';

const KEY = 'bench-key';
const SECRET = 'bench-secret';
const DURATION_MS = 3000;
const CONCURRENCY = 16;

const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { Agent, request } = require('node:http');
const { performance } = require('node:perf_hooks');
const { port, key, secret, durationMs, concurrency } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function post(path, body) {
  const ts = String(Date.now());
  const sign = createHmac('sha256', secret).update(ts + key + '5000' + body).digest('hex');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: {
      'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      'x-bapi-api-key': key, 'x-bapi-timestamp': ts, 'x-bapi-recv-window': '5000', 'x-bapi-sign': sign } },
      (res) => { let t = ''; res.setEncoding('utf8'); res.on('data', (c) => (t += c)); res.on('end', () => resolve(JSON.parse(t))); });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  let creates = 0, cancels = 0, errors = 0, seq = 0;
  const lat = [];
  const start = performance.now();
  const deadline = start + durationMs;
  async function worker() {
    while (performance.now() < deadline) {
      const link = 'b-' + (++seq);
      const t0 = performance.now();
      const c = await post('/v5/order/create', JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy',
        orderType: 'Limit', qty: '0.001', price: '50000', orderLinkId: link }));
      lat.push(performance.now() - t0);
      if (c.retCode !== 0) { errors++; continue; }
      creates++;
      const x = await post('/v5/order/cancel', JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: link }));
      if (x.retCode === 0) cancels++; else errors++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  parentPort.postMessage({ creates, cancels, errors, elapsedMs, lat });
})().catch((e) => parentPort.postMessage({ error: String(e) }));
`;

interface LoadResult {
  creates: number;
  cancels: number;
  errors: number;
  elapsedMs: number;
  lat: number[];
  error?: string;
}

export async function run(): Promise<Record<string, number | string>> {
  const sim = await startSim({
    key: KEY,
    secret: SECRET,
    speed: 0,
    rateLimits: false,
    balance: '10000000USDT',
  });
  try {
    sim.market.setPrice('BTCUSDT', '65000');
    const worker = new Worker(LOAD, {
      eval: true,
      workerData: {
        port: sim.port,
        key: KEY,
        secret: SECRET,
        durationMs: DURATION_MS,
        concurrency: CONCURRENCY,
      },
    });
    const r = await new Promise<LoadResult>((resolve, reject) => {
      worker.once('message', (m: LoadResult) => resolve(m));
      worker.once('error', reject);
    });
    await worker.terminate();
    if (r.error) throw new Error(`load generator failed: ${r.error}`);
    const s = r.elapsedMs / 1000;
    const lat = r.lat.sort((a, b) => a - b);
    const pct = (p: number): number => Number((lat[Math.floor((lat.length - 1) * p)] ?? 0).toFixed(2));
    return {
      durationS: Number(s.toFixed(2)),
      concurrency: CONCURRENCY,
      createPerSec: Math.round(r.creates / s),
      signedRequestsPerSec: Math.round((r.creates + r.cancels) / s),
      createP50Ms: pct(0.5),
      createP99Ms: pct(0.99),
      errors: r.errors,
      targetCreatePerSec: 2000,
      note: 'each create is followed by its cancel; load generator in a worker thread; rate limits off',
    };
  } finally {
    await sim.close();
  }
}

export const startedAt = performance.timeOrigin;
