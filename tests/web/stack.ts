// The whole bot as `bosun start` wires it, for the web tests: real Postgres, Redis + BullMQ workers, the
// Bybit simulator (replaying real BTC 1-minute candles, so backtests have history), telegraf against the
// Telegram emulator, the chat gateway, and the web layer mounted on the ops server (BOSUN_WEB=on).
import { afterAll } from 'vitest';
import { startChatGateway, type ChatGateway } from '../../src/cli/chat-gateway.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { upsertChatUser, type UserRole } from '../../src/db/repos/chat-users.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { dbReady, startOpsServer, type OpsServer } from '../../src/platform/http.js';
import { createLogger, setLogger } from '../../src/platform/logger.js';
import { withWebSettings } from '../../src/web/settings.js';
import { startWeb, type WebLayer } from '../../src/web/start.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { TelegramEmulator, type TgCall } from '../helpers/telegram-emulator.js';

export const FIXTURE = new URL('../fixtures/chat-backtest-btc-1m.csv', import.meta.url).pathname;
export const TG_TOKEN = '4343:web-token';
export const ALERT_CHAT = '-3001';

export interface WebStack {
  db: TestDb;
  sim: SimHandle;
  tg: TelegramEmulator;
  rt: Runtime;
  chat: ChatGateway;
  web: WebLayer;
  ops: OpsServer;
  base: string;
  close(): Promise<void>;
}

export async function startWebStack(o: {
  name: string;
  users: { id: number; role: UserRole }[];
  config?: Record<string, unknown>;
}): Promise<WebStack> {
  setLogger(createLogger({ level: 'silent' }));
  const prefix = testPrefix(o.name);
  const [db, sim, tg] = await Promise.all([
    freshPgDb(),
    // A source of historical klines: the dashboard's backtests ask for the file's own dates.
    startSim({ port: 0, speed: 0, data: FIXTURE, historyBars: 1519, behaviour: { replayTimes: 'file' } }),
    new TelegramEmulator(TG_TOKEN).start(),
  ]);
  for (const u of o.users)
    await upsertChatUser(db.db, { platform: 'telegram', userId: String(u.id), role: u.role });
  const env = loadEnv({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    BYBIT_ENV: 'sim',
    BYBIT_REST_URL: sim.restUrl,
    BYBIT_WS_URL: sim.wsUrl,
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_ALERT_CHAT: ALERT_CHAT,
    BOSUN_WEB: 'on',
    BOSUN_HTTP_PORT: '9464',
  });
  const config = withWebSettings(parseConfig({ web: { host: '127.0.0.1' }, ...o.config }), env);
  const rt = await startRuntime({ env, config, role: 'all', prefix });
  const chat = await startChatGateway(rt, env, config, { prefix });
  const web = await startWeb(rt, env, config, chat, { prefix });
  if (!web) throw new Error('web layer did not start');
  const ops = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    checks: { database: dbReady(rt.deps.db) },
    fallback: web.fallback,
  });
  const base = ops.url;
  // Login links point at the port the test server really listens on.
  web.settings.publicUrl = base;
  config.web = web.settings;
  return {
    db,
    sim,
    tg,
    rt,
    chat,
    web,
    ops,
    base,
    close: async () => {
      await ops.close();
      await web.close();
      await rt.shutdown.run('test done');
      await tg.stop();
      await sim.close();
      await db.close();
      await dropPrefix(prefix);
    },
  };
}

/** A login link as a person gets it: /web sent to the bot in a private Telegram chat. */
export async function loginLinkFromChat(s: WebStack, userId: number): Promise<string> {
  const before = s.tg.calls.length;
  await s.tg.sendText({ id: userId, username: `user${userId}` }, { id: userId }, '/web');
  const deadline = Date.now() + 10_000;
  let call: TgCall | undefined;
  while (!call && Date.now() < deadline) {
    call = s.tg.calls
      .slice(before)
      .find(
        (c) =>
          c.method === 'sendMessage' &&
          String(c.params.chat_id) === String(userId) &&
          /\/login#bsl_/.test(String(c.params.text)),
      );
    if (!call) await new Promise((r) => setTimeout(r, 20));
  }
  if (!call) throw new Error(`no /web answer for ${userId}`);
  const m = /(http:\/\/\S+\/login#bsl_[A-Za-z0-9_-]{43})/.exec(String(call.params.text));
  if (!m?.[1]) throw new Error(`no link in ${String(call.params.text)}`);
  return m[1];
}

export function registerClose(get: () => WebStack | undefined): void {
  afterAll(async () => {
    await get()?.close();
  });
}
