// What the endpoint modules (market, account, orders) share: the REST caller, the SDK client and helpers.
import type { Instrument, Category } from '../../domain/instrument.js';
import type { Logger } from '../../platform/logger.js';
import { PermanentError } from './errors.js';
import { PageWire } from './wire.js';
import { parseWire } from './map.js';
import type { Timing } from './rate-limit.js';
import type { RestCaller } from './rest.js';
import type { SyncedRestClient } from './sdk.js';

export interface BybitContext {
  readonly rest: RestCaller;
  readonly client: SyncedRestClient;
  readonly timing: Timing;
  readonly log: Logger;
  readonly settleCoin: string;
  readonly lookupRetryDelayMs: number;
  readonly maxRetries: number;
  readonly backoffBaseMs: number;
  instrument(category: Category, symbol: string): Promise<Instrument>;
}

const MAX_PAGES = 200;

/**
 * Follows nextPageCursor until `total` rows or the end. A cursor that repeats ends the walk rather than loop.
 */
export async function collectPages(
  what: string,
  total: number,
  fetchPage: (cursor: string | undefined) => Promise<unknown>,
): Promise<unknown[]> {
  const rows: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const p = parseWire(PageWire, await fetchPage(cursor), what);
    rows.push(...p.list);
    cursor = p.nextPageCursor || undefined;
    if (!cursor || rows.length >= total || seen.has(cursor) || p.list.length === 0) break;
    seen.add(cursor);
  }
  return rows.slice(0, total);
}

/** `result.list` of a non-paginated answer. */
export function listOf(result: unknown, what: string): unknown[] {
  return parseWire(PageWire, result, what).list;
}

export function notListed(category: Category, symbol: string): PermanentError {
  return new PermanentError({
    code: null,
    endpoint: 'market/instruments-info',
    detail: `${category} ${symbol} is not listed`,
  });
}
