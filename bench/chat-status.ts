// /status latency through the real Telegram adapter: a user's message goes through the Bot API emulator
// (long-polled getUpdates) → telegraf → chat core (role lookup, audit append, eight read queries, probes)
// → HTML render → sendMessage back at the emulator, with 100 open positions in a fresh Postgres database
// (PGlite when Postgres is not reachable). Target: p99 < 300 ms.
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { buildGateway } from '../src/chat/build.js';
import { TelegramAdapter } from '../src/chat/telegram/index.js';
import type { DbHandle } from '../src/db/client.js';
import { upsertChatUser } from '../src/db/repos/chat-users.js';
import { balances, equitySnapshots, positions, strategyInstances } from '../src/db/schema/index.js';
import { systemClock } from '../src/domain/clock.js';
import { dec } from '../src/domain/decimal.js';
import { parseConfig } from '../src/platform/config.js';
import { setLogger } from '../src/platform/logger.js';
import { freshPgDb, freshPgliteDb } from '../tests/helpers/db.js';
import { TelegramEmulator } from '../tests/helpers/telegram-emulator.js';

export const headline = ['status_p50_ms', 'status_p99_ms'];

const POSITIONS = 100;
const WARMUP = 20;
const SAMPLES = 300;
const TOKEN = '1:bench';
const ADMIN = 7001;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function openDb(): Promise<{ h: DbHandle; kind: string }> {
  try {
    return { h: await freshPgDb(), kind: 'postgres' };
  } catch {
    return { h: await freshPgliteDb(), kind: 'pglite (Postgres not reachable)' };
  }
}

async function seed(h: DbHandle): Promise<void> {
  await upsertChatUser(h.db, { platform: 'telegram', userId: String(ADMIN), role: 'admin' });
  await h.db.insert(positions).values(
    Array.from({ length: POSITIONS }, (_, i) => ({
      category: 'linear',
      symbol: `S${String(i).padStart(3, '0')}USDT`,
      size: dec(i % 2 ? '-0.25' : '1.5'),
      avgEntry: dec('100.5'),
      markPrice: dec('101.25'),
      realizedPnl: dec('0'),
      fees: dec('0'),
      funding: dec('0'),
    })),
  );
  await h.db
    .insert(balances)
    .values({ coin: 'USDT', walletBalance: dec('100000'), available: dec('90000'), equity: dec('100250') });
  const now = Date.now();
  await h.db.insert(equitySnapshots).values(
    Array.from({ length: 1440 }, (_, i) => ({
      ts: now - i * 60_000,
      equity: dec(String(100000 + i)),
      unrealizedPnl: dec('0'),
      realizedPnl: dec('0'),
    })),
  );
  await h.db.insert(strategyInstances).values(
    Array.from({ length: 10 }, (_, i) => ({
      id: `s-${i}`,
      strategy: 'sma-cross',
      symbol: 'BTCUSDT',
      category: 'linear',
      interval: '1',
    })),
  );
}

export async function run(): Promise<Record<string, number | string>> {
  setLogger(pino({ level: process.env.BENCH_LOG ?? 'silent' }));
  const { h, kind } = await openDb();
  const tg = await new TelegramEmulator(TOKEN, 1000).start();
  let bot: TelegramAdapter | undefined;
  try {
    await seed(h);
    const gw = buildGateway({
      db: h.db,
      clock: systemClock,
      config: parseConfig({}),
      info: { mode: 'paper', exchangeEnv: 'sim', version: 'bench', startedAt: Date.now() },
      health: [
        { name: 'queue', probe: async () => ({ ok: true, detail: 'ok' }) },
        { name: 'exchange', probe: async () => ({ ok: true, detail: 'ok' }) },
      ],
      // One user sends hundreds of commands: lift the per-user flood limit for the measurement.
      rateLimit: { capacity: 1e9, refillPerSec: 1e9 },
    });
    bot = new TelegramAdapter({ token: TOKEN, apiRoot: tg.apiRoot, core: gw.core });
    gw.sinks.push(bot);
    await bot.start();
    const lat: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const before = tg.callsOf('sendMessage').length;
      const t0 = performance.timeOrigin + performance.now();
      await tg.sendText({ id: ADMIN, username: 'bench' }, { id: ADMIN }, '/status');
      const c = await tg.waitFor('sendMessage', () => tg.callsOf('sendMessage').length > before, 10_000);
      const reply = tg.callsOf('sendMessage')[before] ?? c;
      if (!String(reply.params.text).includes('Positions:</b> 100'))
        throw new Error('unexpected /status reply');
      if (i >= WARMUP) lat.push(reply.at - t0);
    }
    lat.sort((a, b) => a - b);
    return {
      database: kind,
      positions: POSITIONS,
      samples: lat.length,
      status_p50_ms: Number(pct(lat, 50).toFixed(1)),
      status_p90_ms: Number(pct(lat, 90).toFixed(1)),
      status_p99_ms: Number(pct(lat, 99).toFixed(1)),
      status_max_ms: Number((lat.at(-1) ?? NaN).toFixed(1)),
      target_p99_ms: 300,
    };
  } finally {
    await bot?.stop();
    await tg.stop();
    await h.close();
  }
}
