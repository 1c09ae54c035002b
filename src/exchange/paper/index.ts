// Paper trading (BYBIT_ENV=paper): the simulator's matching engine and accounts on Bybit's live public data,
// balances kept by the store the composition root gives. No API key is read or sent.
import { SYMBOLS } from '../sim/instruments.js';
import type { AccountStore } from '../sim/snapshot.js';
import { startSim, type SimHandle } from '../sim/start.js';
import { PaperFeed } from './feed.js';

export { PaperFeed, type PaperFeedOptions } from './feed.js';
export type { AccountSnapshot, AccountStore } from '../sim/snapshot.js';

/** Bybit mainnet's public hosts: paper trades on the real market. */
export const PAPER_REST_URL = 'https://api.bybit.com';
export const PAPER_WS_URL = 'wss://stream.bybit.com';

export interface PaperOptions {
  /** The venue's REST and WebSocket bases (default Bybit mainnet's public hosts). */
  restUrl?: string;
  wsUrl?: string;
  /** The in-process simulator's own credentials (what bosun's adapter signs with locally). */
  key: string;
  secret: string;
  /** Starting balance of a paper account that has none stored (default 100000USDT). */
  balance?: string;
  store: AccountStore;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export async function startPaper(o: PaperOptions): Promise<SimHandle> {
  const log = o.log ?? (() => undefined);
  const feed = new PaperFeed({
    restUrl: o.restUrl ?? PAPER_REST_URL,
    wsUrl: o.wsUrl ?? PAPER_WS_URL,
    symbols: SYMBOLS,
    log,
    ...(o.readyTimeoutMs !== undefined ? { readyTimeoutMs: o.readyTimeoutMs } : {}),
  });
  return startSim({
    port: 0,
    key: o.key,
    secret: o.secret,
    ...(o.balance ? { balance: o.balance } : {}),
    feed,
    store: o.store,
    log,
  });
}
