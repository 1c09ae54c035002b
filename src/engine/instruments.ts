// Instruments for the engine: from memory (5 min), else the database cache, else the exchange (then
// cached). Filters change rarely and every proposal, tick and fill needs them.
import { getInstrument, upsertInstruments } from '../db/repos/instruments.js';
import type { Category, Instrument } from '../domain/instrument.js';
import type { EngineDeps } from './deps.js';
import { Memo } from './memo.js';

const INSTRUMENT_TTL_MS = 5 * 60_000;
const memo = new Memo<Instrument>(INSTRUMENT_TTL_MS);

async function load(
  deps: Pick<EngineDeps, 'db' | 'exchange'>,
  category: Category,
  symbol: string,
): Promise<Instrument> {
  const cached = await getInstrument(deps.db, category, symbol);
  if (cached) return cached;
  const inst = await deps.exchange.instrument(category, symbol);
  await upsertInstruments(deps.db, [inst]);
  return inst;
}

export function ensureInstrument(
  deps: Pick<EngineDeps, 'db' | 'exchange'>,
  category: Category,
  symbol: string,
): Promise<Instrument> {
  return memo.get(deps.db, `${category}:${symbol}`, () => load(deps, category, symbol));
}
