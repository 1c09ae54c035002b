// Figures for the ops/security layer: envelope encryption of one credential record (seal + unseal, no
// database), and the cost of rendering /metrics with every bosun_ family populated.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generateMasterKey, masterKeyFromBase64, seal, unseal } from '../src/platform/master-key.js';
import { metrics, registry } from '../src/platform/metrics.js';

export const headline = ['seal_per_s', 'open_per_s', 'metrics_scrape_ms'];

function perSecond(n: number, fn: () => void): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return Math.round((n / (performance.now() - t0)) * 1000);
}

export async function run(): Promise<Record<string, number | string>> {
  const mk = masterKeyFromBase64(generateMasterKey(), 'bench');
  const payload = Buffer.from(JSON.stringify({ key: 'A'.repeat(18), secret: 'B'.repeat(36) }));
  // A new data key sealing the payload, wrapped by the master key: what storing one credential costs.
  const sealPerS = perSecond(20_000, () => {
    const dk = randomBytes(32);
    seal(dk, payload, 'bosun-secret:v1:bybit:testnet');
    seal(mk.bytes(), dk, 'bosun-data-key:v1:bybit:testnet');
  });
  const dk = randomBytes(32);
  const box = seal(dk, payload, 'p');
  const wrapped = seal(mk.bytes(), dk, 'w');
  const openPerS = perSecond(20_000, () => void unseal(unseal(mk.bytes(), wrapped, 'w'), box, 'p'));
  // One step of `keys rotate-master`, crypto only.
  const rewrapPerS = perSecond(20_000, () => void seal(mk.bytes(), unseal(mk.bytes(), wrapped, 'w'), 'w'));

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
  return {
    seal_per_s: sealPerS,
    open_per_s: openPerS,
    rewrap_per_s: rewrapPerS,
    metrics_scrape_ms: Math.round(((performance.now() - t0) / N) * 1000) / 1000,
    metrics_bytes: bytes,
  };
}
