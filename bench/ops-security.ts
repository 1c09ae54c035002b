// Figures for the ops/security layer: envelope encryption of one credential record (seal + unseal, no
// database), and the cost of rendering /metrics with every bosun_ family populated.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generateMasterKey, masterKeyFromBase64, seal, unseal } from '../src/platform/master-key.js';
import { metrics, registry } from '../src/platform/metrics.js';

function perSecond(label: string, n: number, fn: () => void): void {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = performance.now() - t0;
  console.log(
    `${label}: ${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s (${((ms / n) * 1000).toFixed(1)} µs each)`,
  );
}

const mk = masterKeyFromBase64(generateMasterKey(), 'bench');
const payload = Buffer.from(JSON.stringify({ key: 'A'.repeat(18), secret: 'B'.repeat(36) }));

perSecond('envelope seal (new data key + payload + wrap)', 20_000, () => {
  const dk = randomBytes(32);
  seal(dk, payload, 'bosun-secret:v1:bybit:testnet');
  seal(mk.bytes(), dk, 'bosun-data-key:v1:bybit:testnet');
});
const dk = randomBytes(32);
const box = seal(dk, payload, 'p');
const wrapped = seal(mk.bytes(), dk, 'w');
perSecond('envelope open (unwrap + payload)', 20_000, () => {
  unseal(unseal(mk.bytes(), wrapped, 'w'), box, 'p');
});
perSecond('re-wrap one data key (rotation step, crypto only)', 20_000, () => {
  seal(mk.bytes(), unseal(mk.bytes(), wrapped, 'w'), 'w');
});

for (const q of ['ticks', 'orders', 'reconcile']) metrics.jobFinished(q, 'completed', 0, 120);
for (const c of ['max-leverage', 'price-band', 'daily-loss-limit']) metrics.riskDenied(c);
for (const cmd of ['buy', 'sell', 'status', 'positions']) metrics.chatCommand('telegram', cmd, 'ok', 80);
metrics.orderSubmitted('linear', 'buy');
metrics.exchangeError(10006, 'rate-limited');
metrics.equity('USDT', '100000');
const N = 500;
const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < N; i++) bytes = (await registry.metrics()).length;
console.log(
  `/metrics render: ${((performance.now() - t0) / N).toFixed(3)} ms per scrape, ${bytes.toLocaleString('en-US')} bytes`,
);
