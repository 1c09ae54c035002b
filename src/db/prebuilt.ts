// Hot statements whose SQL text is built once per process. Drizzle's builder walks every chunk of a
// template on every call (about 0.1 ms for the tick's lease); at a candle close hundreds of ticks run at
// once and that is CPU the burst does not have. The template is the same sql`` with placeholders.
import { sql, type Placeholder, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** Postgres and PGlite render SQL alike: one dialect builds for both. */
const dialect = new PgDialect();

export type Placeholders<K extends string> = { readonly [P in K]: Placeholder<P> };

/**
 * A statement built from `build` (given a placeholder per name) on first use, then only bound: run on a
 * database or inside a transaction, it returns the driver's raw result (read it with rows()).
 */
export function prebuilt<K extends string>(
  names: readonly K[],
  build: (p: Placeholders<K>) => SQL,
): (db: Db, values: Readonly<Record<K, unknown>>) => Promise<unknown> {
  let query: Query | undefined;
  return (db, values) => {
    if (!query) {
      const p = Object.fromEntries(names.map((n) => [n, sql.placeholder(n)])) as Placeholders<K>;
      query = dialect.sqlToQuery(build(p));
    }
    return db._.session.prepareQuery(query, undefined, undefined, false).execute(values);
  };
}
