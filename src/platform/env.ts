// The environment as CONTRACT.md names it, validated once: a bad value names the variable and what is accepted.
import { ConfigError } from './errors.js';

/** Environments a Bybit key belongs to (`bosun keys set bybit --env`). */
export const BYBIT_ENVS = ['sim', 'testnet', 'demo', 'mainnet'] as const;
export type BybitEnv = (typeof BYBIT_ENVS)[number];
/** BYBIT_ENV: a key's environment, or `paper`: the simulator's matching on Bybit's live public data, no key. */
export const BYBIT_MODES = ['sim', 'paper', 'testnet', 'demo', 'mainnet'] as const;
export type BybitMode = (typeof BYBIT_MODES)[number];

/** Whether trades are simulated (the simulator, or paper on live data): chat and the dashboard say `paper`. */
export function isPaperMode(mode: BybitMode): boolean {
  return mode === 'sim' || mode === 'paper';
}
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Env {
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string;
  configPath: string | undefined;
  bybitEnv: BybitMode;
  allowMainnet: boolean;
  bybitApiKey: string | undefined;
  bybitApiSecret: string | undefined;
  bybitRestUrl: string | undefined;
  bybitWsUrl: string | undefined;
  telegramBotToken: string | undefined;
  telegramApiRoot: string;
  telegramWebhookUrl: string | undefined;
  telegramWebhookSecret: string | undefined;
  /** Local port the webhook listener binds (TLS is usually terminated by a proxy in front). */
  telegramWebhookPort: number;
  telegramAlertChat: string | undefined;
  slackBotToken: string | undefined;
  slackSigningSecret: string | undefined;
  slackAppToken: string | undefined;
  slackApiUrl: string;
  slackPort: number;
  slackAlertChannel: string | undefined;
  admins: { platform: 'telegram' | 'slack'; userId: string }[];
  masterKey: string | undefined;
  masterKeyFile: string | undefined;
  httpPort: number;
  /** BOSUN_WEB: on | off; unset = as bosun.yaml's `web:` block says (off without one). */
  web: 'on' | 'off' | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** BOSUN_QUEUE_PREFIX: the BullMQ key prefix, so several bots (or runs) can share one Redis. */
  queuePrefix: string;
}

type Source = Record<string, string | undefined>;

// BullMQ joins its keys with ':', so a prefix holding one would read as two levels.
function queuePrefix(src: Source): string {
  const v = src.BOSUN_QUEUE_PREFIX?.trim();
  if (v === undefined || v === '') return 'bosun';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v)) bad('BOSUN_QUEUE_PREFIX', v, '1-64 characters of A-Z a-z 0-9 _ . -');
  return v;
}

function opt(src: Source, name: string): string | undefined {
  const v = src[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function bad(name: string, value: string | undefined, accepted: string, secret = false): never {
  // URLs may carry a password in their user-info: never echo it.
  const masked = value?.replace(/(:\/\/)[^/@\s]*@/, '$1***@');
  const shown =
    secret || masked === undefined ? '' : `="${masked.length > 60 ? `${masked.slice(0, 60)}…` : masked}"`;
  throw new ConfigError(`${name}${shown} is invalid: expected ${accepted}`);
}

function url(src: Source, name: string, protocols: string[], accepted: string): string | undefined {
  const v = opt(src, name);
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return bad(name, v, accepted, /PASSWORD|SECRET/.test(name));
  }
  if (!protocols.includes(u.protocol) || !u.hostname) return bad(name, v, accepted);
  return v;
}

function port(src: Source, name: string, dflt: number): number {
  const v = opt(src, name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) bad(name, v, 'a TCP port number 1-65535');
  return n;
}

function oneOf<T extends string>(src: Source, name: string, values: readonly T[], dflt: T): T {
  const v = opt(src, name);
  if (v === undefined) return dflt;
  if (!(values as readonly string[]).includes(v)) bad(name, v, `one of ${values.join(', ')}`);
  return v as T;
}

function admins(src: Source): Env['admins'] {
  const v = opt(src, 'BOSUN_ADMINS');
  if (v === undefined) return [];
  return v.split(',').map((part) => {
    const m = /^(telegram|slack):([A-Za-z0-9_-]+)$/.exec(part.trim());
    if (!m) bad('BOSUN_ADMINS', v, 'a comma-separated list like telegram:12345,slack:U0123');
    return { platform: m[1] as 'telegram' | 'slack', userId: m[2] as string };
  });
}

/** Parse and validate the environment. Throws ConfigError with one line naming the variable. */
export function loadEnv(src: Source = process.env): Env {
  const bybitEnv = oneOf(src, 'BYBIT_ENV', BYBIT_MODES, 'sim');
  const allow = opt(src, 'BOSUN_ALLOW_MAINNET');
  if (allow !== undefined && allow !== 'yes') bad('BOSUN_ALLOW_MAINNET', allow, '"yes" (or unset)');
  if (bybitEnv === 'mainnet' && allow !== 'yes') {
    throw new ConfigError(
      'BYBIT_ENV=mainnet trades real money and needs BOSUN_ALLOW_MAINNET=yes as well; refusing to start',
    );
  }
  const env: Env = {
    databaseUrl: url(
      src,
      'DATABASE_URL',
      ['postgres:', 'postgresql:'],
      'a postgres://user@host:port/db URL (or unset for the embedded database)',
    ),
    dataDir: opt(src, 'BOSUN_DATA_DIR') ?? './.bosun',
    redisUrl:
      url(src, 'REDIS_URL', ['redis:', 'rediss:'], 'a redis://host:port[/db] or rediss:// URL') ??
      'redis://127.0.0.1:6379',
    configPath: opt(src, 'BOSUN_CONFIG'),
    bybitEnv,
    allowMainnet: allow === 'yes',
    bybitApiKey: opt(src, 'BYBIT_API_KEY'),
    bybitApiSecret: opt(src, 'BYBIT_API_SECRET'),
    bybitRestUrl: url(
      src,
      'BYBIT_REST_URL',
      ['http:', 'https:'],
      'an http(s):// URL without a trailing slash',
    )?.replace(/\/+$/, ''),
    bybitWsUrl: url(src, 'BYBIT_WS_URL', ['ws:', 'wss:'], 'a ws(s):// base URL')?.replace(/\/+$/, ''),
    telegramBotToken: opt(src, 'TELEGRAM_BOT_TOKEN'),
    telegramApiRoot:
      url(src, 'TELEGRAM_API_ROOT', ['http:', 'https:'], 'an http(s):// URL') ?? 'https://api.telegram.org',
    telegramWebhookUrl: url(src, 'TELEGRAM_WEBHOOK_URL', ['https:', 'http:'], 'an https:// URL'),
    telegramWebhookSecret: opt(src, 'TELEGRAM_WEBHOOK_SECRET'),
    telegramWebhookPort: port(src, 'TELEGRAM_WEBHOOK_PORT', 8443),
    telegramAlertChat: opt(src, 'TELEGRAM_ALERT_CHAT'),
    slackBotToken: opt(src, 'SLACK_BOT_TOKEN'),
    slackSigningSecret: opt(src, 'SLACK_SIGNING_SECRET'),
    slackAppToken: opt(src, 'SLACK_APP_TOKEN'),
    slackApiUrl:
      url(src, 'SLACK_API_URL', ['http:', 'https:'], 'an http(s):// URL ending in /api/') ??
      'https://slack.com/api/',
    slackPort: port(src, 'SLACK_PORT', 3000),
    slackAlertChannel: opt(src, 'SLACK_ALERT_CHANNEL'),
    admins: admins(src),
    masterKey: opt(src, 'BOSUN_MASTER_KEY'),
    masterKeyFile: opt(src, 'BOSUN_MASTER_KEY_FILE'),
    httpPort: port(src, 'BOSUN_HTTP_PORT', 9464),
    web:
      opt(src, 'BOSUN_WEB') === undefined
        ? undefined
        : oneOf(src, 'BOSUN_WEB', ['on', 'off'] as const, 'off'),
    logLevel: oneOf(src, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    queuePrefix: queuePrefix(src),
  };
  if (env.telegramWebhookUrl && !env.telegramWebhookSecret) {
    bad(
      'TELEGRAM_WEBHOOK_SECRET',
      undefined,
      'a secret token (1-256 chars of A-Za-z0-9_-) whenever TELEGRAM_WEBHOOK_URL is set',
      true,
    );
  }
  if (env.telegramWebhookSecret && !/^[A-Za-z0-9_-]{1,256}$/.test(env.telegramWebhookSecret)) {
    bad('TELEGRAM_WEBHOOK_SECRET', undefined, '1-256 characters of A-Z a-z 0-9 _ -', true);
  }
  if (Boolean(env.bybitApiKey) !== Boolean(env.bybitApiSecret)) {
    bad(
      env.bybitApiKey ? 'BYBIT_API_SECRET' : 'BYBIT_API_KEY',
      undefined,
      'both BYBIT_API_KEY and BYBIT_API_SECRET set, or neither',
      true,
    );
  }
  if (env.slackBotToken && !env.slackAppToken && !env.slackSigningSecret) {
    bad(
      'SLACK_SIGNING_SECRET',
      undefined,
      'a signing secret for HTTP mode, or SLACK_APP_TOKEN for Socket Mode, when SLACK_BOT_TOKEN is set',
      true,
    );
  }
  if (env.masterKey !== undefined && env.masterKeyFile !== undefined) {
    bad('BOSUN_MASTER_KEY_FILE', env.masterKeyFile, 'only one of BOSUN_MASTER_KEY and BOSUN_MASTER_KEY_FILE');
  }
  if (env.masterKey !== undefined && Buffer.from(env.masterKey, 'base64').length !== 32) {
    bad('BOSUN_MASTER_KEY', undefined, 'a 32-byte key in base64 (e.g. `openssl rand -base64 32`)', true);
  }
  return env;
}
