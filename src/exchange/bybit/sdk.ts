// The two bybit-api subclasses we need: a REST client whose clock offset we set (after a 10002), and a WS
// client that routes each connection key to its own path under a custom host (the SDK's wsUrl is one URL).
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { RestClientV5, WebsocketClient, type WsKey } from 'bybit-api';
import type { Logger } from '../../platform/logger.js';
import { type BybitEnv, DEFAULTS, WS_PATHS } from './constants.js';
import { scrub } from './sanitize.js';

/** node:crypto is much faster than the SDK's WebCrypto path, and gives the same lower-case hex. */
export async function hmacHex(message: string, secret: string): Promise<string> {
  return createHmac('sha256', secret).update(message).digest('hex');
}

export class SyncedRestClient extends RestClientV5 {
  private offsetMs = 0;

  /** Milliseconds to add to the local clock when signing. */
  setTimeOffset(ms: number): void {
    this.offsetMs = ms;
  }

  getTimeOffset(): number {
    return this.offsetMs;
  }

  // With syncTimeBeforePrivateRequests the SDK asks this before every signed call: answer from memory, no request.
  override fetchTimeOffset(): Promise<number> {
    return Promise.resolve(this.offsetMs);
  }
}

export interface RestBuild {
  env: BybitEnv;
  restUrl: string | undefined;
  key: string;
  secret: string;
  timeoutMs: number;
}

export function buildRestClient(b: RestBuild): { client: SyncedRestClient; destroy: () => void } {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const client = new SyncedRestClient(
    {
      key: b.key,
      secret: b.secret,
      recv_window: DEFAULTS.recvWindowMs,
      syncTimeBeforePrivateRequests: true,
      parseAPIRateLimits: true,
      customSignMessageFn: hmacHex,
      ...(b.restUrl ? { baseUrl: b.restUrl.replace(/\/+$/, '') } : {}),
      ...(b.env === 'testnet' ? { testnet: true } : {}),
      ...(b.env === 'demo' ? { demoTrading: true } : {}),
    },
    // Bybit never redirects: without follow-redirects in the way axios uses node:http directly.
    { timeout: b.timeoutMs, httpAgent, httpsAgent, maxRedirects: 0 },
  );
  return {
    client,
    destroy: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export class RoutedWebsocketClient extends WebsocketClient {
  private readonly base: string | undefined;

  constructor(
    options: ConstructorParameters<typeof WebsocketClient>[0],
    logger: ConstructorParameters<typeof WebsocketClient>[1],
    base: string | undefined,
  ) {
    super(options, logger);
    this.base = base?.replace(/\/+$/, '');
  }

  protected override async getWsUrl(wsKey: WsKey): Promise<string> {
    if (!this.base) return super.getWsUrl(wsKey);
    return this.base + WS_PATHS[wsKey];
  }
}

/** The SDK logs objects that may hold request data: only its message strings, scrubbed, reach our logger. */
export function sdkLogger(
  log: Logger,
  secrets: readonly string[],
): NonNullable<ConstructorParameters<typeof WebsocketClient>[1]> {
  const first = (params: unknown[]): string =>
    typeof params[0] === 'string' ? scrub(params[0], secrets) : 'sdk event';
  return {
    trace: () => {},
    info: (...params: unknown[]) => log.debug({ sdk: 'bybit-api' }, first(params)),
    error: (...params: unknown[]) => log.warn({ sdk: 'bybit-api' }, first(params)),
  };
}

export interface WsBuild {
  env: BybitEnv;
  wsUrl: string | undefined;
  key: string;
  secret: string;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  reconnectTimeoutMs: number;
  log: Logger;
}

export function buildWsClient(b: WsBuild): RoutedWebsocketClient {
  return new RoutedWebsocketClient(
    {
      key: b.key,
      secret: b.secret,
      market: 'v5',
      recvWindow: DEFAULTS.recvWindowMs,
      pingInterval: b.pingIntervalMs,
      pongTimeout: b.pongTimeoutMs,
      reconnectTimeout: b.reconnectTimeoutMs,
      customSignMessageFn: hmacHex,
      ...(b.env === 'testnet' ? { testnet: true } : {}),
      ...(b.env === 'demo' ? { demoTrading: true } : {}),
    },
    sdkLogger(b.log, [b.key, b.secret]),
    b.wsUrl,
  );
}
