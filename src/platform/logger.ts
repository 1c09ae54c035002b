// pino logger with redaction of every secret-bearing key; the one logger all modules use.
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Keys whose values never reach a log line, at any depth we know of. */
export const REDACT_KEYS = [
  'secret',
  'apiSecret',
  'api_secret',
  'key',
  'apiKey',
  'api_key',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'authorization',
  'Authorization',
  'requestOptions',
  'masterKey',
  'headers',
  'cookie',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of REDACT_KEYS) {
    paths.push(k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`);
  }
  return paths;
}

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths(), censor: '[redacted]' },
    base: { svc: 'bosun' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

let root: Logger | undefined;

/** Process-wide logger, created lazily so tests can replace it first. */
export function logger(): Logger {
  root ??= createLogger();
  return root;
}

export function setLogger(l: Logger): void {
  root = l;
}

export type { Logger };
