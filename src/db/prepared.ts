// Server-side prepared statements for every Drizzle query on postgres.js. Drizzle sends unnamed queries
// with prepare: false, so Postgres parses and plans each statement on every call (up to a millisecond
// for the account read); prepared, a connection plans a statement once and only binds it afterwards.
// Not for connection poolers in transaction mode (PgBouncer < 1.21), which cannot keep statements.
import type { Sql } from 'postgres';

type Fn = (...args: unknown[]) => unknown;

function wrapCallbacks(args: unknown[]): unknown[] {
  return args.map((a) =>
    typeof a === 'function' ? (client: Sql) => (a as (c: Sql) => unknown)(preparing(client)) : a,
  );
}

/** The same client, with unsafe() queries prepared, in transactions and savepoints too. */
export function preparing<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const fn = v as Fn;
      if (prop === 'unsafe') {
        return (query: string, args: unknown[] = [], opts: Record<string, unknown> = {}) =>
          fn.call(target, query, args, args.length > 0 ? { ...opts, prepare: true } : opts);
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => fn.apply(target, wrapCallbacks(args));
      }
      return fn.bind(target);
    },
    // The client is itself a function (tagged template): calls pass through unchanged.
    apply(target, thisArg, args: unknown[]) {
      return Reflect.apply(target as unknown as Fn, thisArg, args);
    },
  });
}
