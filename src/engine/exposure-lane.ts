// A process's decisions that may add exposure, one at a time, each on the account as the previous one
// left it: the orders this process has just written are added to an older read instead of losing the
// exposure clock's race and reading the account again. Another process's write still fails the guard.
import type { InFlightRow } from '../db/repos/account-state.js';
import type { Db } from '../db/client.js';

/** The exposure clock's versions this process moved, one after another, and what each one added. */
interface Chain {
  /** The version before the first write of the chain. */
  readonly from: number;
  /** rows[k] moved the clock from `from + k` to `from + k + 1`. */
  readonly rows: InFlightRow[];
}

export interface LaneView {
  readonly exposureVersion: number;
  readonly inFlight: readonly InFlightRow[];
}

export class ExposureLane {
  private tail: Promise<unknown> = Promise.resolve();
  private chain: Chain | null = null;

  /** Run `fn` after every decision queued before it has written (or given up). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * `view` as it stands after this process's writes since it was read, or unchanged when it is newer than
   * those (or older than what is remembered: then the guard refuses it and the account is read again).
   */
  catchUp<V extends LaneView>(view: V): V {
    const c = this.chain;
    if (!c) return view;
    const seen = view.exposureVersion - c.from;
    if (seen < 0 || seen >= c.rows.length) return view;
    return {
      ...view,
      exposureVersion: c.from + c.rows.length,
      inFlight: [...view.inFlight, ...c.rows.slice(seen)],
    };
  }

  /** A guarded write moved the clock from `before` to `before + 1`, adding `row` to what is on its way. */
  wrote(before: number, row: InFlightRow): void {
    const c = this.chain;
    if (c && c.from + c.rows.length === before && c.rows.length < MAX_CHAIN) c.rows.push(row);
    else this.chain = { from: before, rows: [row] };
  }
}

/** A longer chain means a read older than a burst: reading the account again costs less than the list. */
const MAX_CHAIN = 256;

const lanes = new WeakMap<Db, ExposureLane>();

/** The lane of one database (two engines in one process on different databases never share one). */
export function laneOf(db: Db): ExposureLane {
  let l = lanes.get(db);
  if (!l) {
    l = new ExposureLane();
    lanes.set(db, l);
  }
  return l;
}
