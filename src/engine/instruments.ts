// Instruments for the engine: from the database cache, else from the exchange (then cached).
import { getInstrument, upsertInstruments } from '../db/repos/instruments.js';
import type { Category, Instrument } from '../domain/instrument.js';
import type { EngineDeps } from './deps.js';

export async function ensureInstrument(
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
