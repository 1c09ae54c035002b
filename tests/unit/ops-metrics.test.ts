// Metrics: bosun's series exist next to the process metrics, and labels cannot carry free text or secrets.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  identLabel,
  metrics,
  observeQueues,
  OTHER,
  registry,
  stopObservingQueues,
} from '../../src/platform/metrics.js';
import { dec } from '../../src/domain/decimal.js';

beforeEach(() => {
  registry.resetMetrics();
  stopObservingQueues();
});

const text = (): Promise<string> => registry.metrics();

describe('metrics', () => {
  it('exposes default process metrics and every bosun_ family', async () => {
    const body = await text();
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
    for (const name of [
      'bosun_orders_submitted_total',
      'bosun_orders_rejected_total',
      'bosun_fills_total',
      'bosun_risk_denials_total',
      'bosun_approvals_total',
      'bosun_queue_depth',
      'bosun_job_wait_seconds',
      'bosun_job_duration_seconds',
      'bosun_tick_lag_seconds',
      'bosun_chat_command_duration_seconds',
      'bosun_exchange_errors_total',
      'bosun_ws_reconnects_total',
      'bosun_equity',
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
  });

  it('counts with bounded labels', async () => {
    metrics.orderSubmitted('linear', 'Buy');
    metrics.orderSubmitted('linear', 'Buy');
    metrics.fill('spot', 'Sell');
    metrics.riskDenied('max-notional-per-symbol');
    metrics.approval('expired');
    metrics.chatCommand('telegram', '/buy', 'ok', 120);
    metrics.exchangeError(10006, 'rate-limited');
    metrics.exchangeError(null, 'transient');
    metrics.wsReconnect('private');
    metrics.equity('USDT', dec('100123.45'));
    const body = await text();
    expect(body).toContain('bosun_orders_submitted_total{category="linear",side="buy"} 2');
    expect(body).toContain('bosun_fills_total{category="spot",side="sell"} 1');
    expect(body).toContain('bosun_risk_denials_total{check="max-notional-per-symbol"} 1');
    expect(body).toContain('bosun_approvals_total{outcome="expired"} 1');
    expect(body).toContain(
      'bosun_chat_command_duration_seconds_count{platform="telegram",command="buy",outcome="ok"} 1',
    );
    expect(body).toContain('bosun_exchange_errors_total{code="10006",kind="rate-limited"} 1');
    expect(body).toContain('bosun_exchange_errors_total{code="network",kind="transient"} 1');
    expect(body).toContain('bosun_ws_reconnects_total{stream="private"} 1');
    expect(body).toContain('bosun_equity{coin="USDT"} 100123.45');
  });

  it('turns free text and secret-looking values into "other"', async () => {
    const secret = 'SeCrEt0123456789abcdefXYZ';
    metrics.riskDenied(`notional 25000 exceeds limit for ${secret}`);
    metrics.riskDenied(secret);
    metrics.chatCommand('discord', `/buy ${secret}`, 'ok', 5);
    metrics.orderSubmitted('inverse', secret);
    metrics.equity(secret, '1');
    metrics.exchangeError(-1.5, `kind ${secret}`);
    // Even an all-lower-case token: one long "word" is not an identifier we would emit.
    metrics.riskDenied('k3jd8s7f6g5h4j3k2l1zx9cv8bn7m');
    const body = await text();
    expect(body).not.toContain(secret);
    expect(body).not.toContain(secret.toLowerCase());
    expect(body).not.toContain('k3jd8s7f6g5h4j3k2l1zx9cv8bn7m');
    expect(body).toContain('bosun_risk_denials_total{check="other"} 3');
    expect(body).toContain('command="other"');
    expect(body).toContain('bosun_orders_submitted_total{category="other",side="other"} 1');
  });

  it('caps open-ended labels at 64 distinct values', () => {
    const got = new Set<string>();
    for (let i = 0; i < 100; i++) got.add(identLabel('cap-test', `check-${i}`));
    expect(got.size).toBe(65);
    expect(got.has(OTHER)).toBe(true);
    expect(identLabel('cap-test', 'check-3')).toBe('check-3');
  });

  it('reads queue depths at scrape time and does not hang on a stuck queue', async () => {
    observeQueues(
      [
        { name: 'orders', getJobCounts: async () => ({ waiting: 7, active: 2, delayed: 1, failed: 0 }) },
        { name: 'ticks', getJobCounts: () => new Promise(() => {}) },
      ],
      50,
    );
    const started = Date.now();
    const body = await text();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(body).toContain('bosun_queue_depth{queue="orders",state="waiting"} 7');
    expect(body).toContain('bosun_queue_depth{queue="orders",state="active"} 2');
    expect(body).not.toContain('queue="ticks"');
  });

  it('records job wait and run time, and tick lag, in seconds', async () => {
    metrics.jobStarted('orders', 1_000, 1_250);
    metrics.jobFinished('orders', 'completed', 1_250, 3_250);
    metrics.tickLag(1500);
    const body = await text();
    expect(body).toContain('bosun_job_wait_seconds_sum{queue="orders"} 0.25');
    expect(body).toContain('bosun_job_duration_seconds_sum{queue="orders",outcome="completed"} 2');
    expect(body).toContain('bosun_tick_lag_seconds_sum 1.5');
  });
});
