// The parameter grid of `bosun backtest --sweep`: axis specs (ranges and lists) parsed into values, and
// their cross product with the fixed --params, minus the combinations the strategy itself rejects.
import { UsageError } from '../platform/errors.js';
import { StrategyParamError } from '../strategies/params.js';
import type { StrategyFactory, StrategyParams } from '../strategies/types.js';

export interface SweepAxis {
  readonly name: string;
  readonly values: readonly number[];
}

export interface SweepGrid {
  /** Validated params (defaults filled) of every combination the strategy accepts, in grid order. */
  readonly combos: readonly StrategyParams[];
  /** Combinations the strategy rejected (e.g. fast ≥ slow). */
  readonly skipped: number;
  /** Why the first skipped combination was rejected, to show the user. */
  readonly firstSkip: string | null;
}

/** A sweep larger than this is almost always a typo in a range or step. */
export const MAX_SWEEP_RUNS = 5_000;

export const SWEEP_FORMS =
  'NAME=A..B[:STEP] (integers, e.g. fast=5..20 or slow=20..60:5) or NAME=v1,v2,… (e.g. fast=5,10,20)';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANGE_RE = /^(-?\d+)\.\.(-?\d+)(?::(\d+))?$/;
const NUMBER_RE = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i;

function bad(spec: string, why = ''): UsageError {
  return new UsageError(`--sweep ${why ? `${why}: ` : ''}expects ${SWEEP_FORMS}, got "${spec}"`);
}

export function parseSweepSpec(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, Math.max(eq, 0)).trim();
  const body = spec.slice(eq + 1).trim();
  if (eq <= 0 || !NAME_RE.test(name) || body === '') throw bad(spec);
  const range = RANGE_RE.exec(body);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (step <= 0) throw bad(spec, 'STEP must be a positive integer');
    if (a > b) throw bad(spec, `the range ${a}..${b} is empty (A must not exceed B)`);
    // Counted before building so a huge range fails fast instead of allocating it.
    if (Math.floor((b - a) / step) + 1 > MAX_SWEEP_RUNS) throw tooMany(Math.floor((b - a) / step) + 1);
    const values: number[] = [];
    for (let v = a; v <= b; v += step) values.push(v);
    return { name, values };
  }
  if (body.includes('..')) throw bad(spec, 'a range takes integers');
  const parts = body.split(',').map((s) => s.trim());
  if (parts.some((p) => !NUMBER_RE.test(p))) throw bad(spec);
  const values = [...new Set(parts.map(Number))];
  return { name, values };
}

function tooMany(runs: number): UsageError {
  return new UsageError(
    `--sweep: the grid has ${runs} runs; at most ${MAX_SWEEP_RUNS} are allowed — narrow a range or use a larger STEP`,
  );
}

/** Check axis names against the strategy and the fixed params before any run is planned. */
export function checkAxes(
  factory: StrategyFactory,
  axes: readonly SweepAxis[],
  fixed: Readonly<Record<string, string>>,
): void {
  const accepted = factory.params.map((p) => p.name);
  const seen = new Set<string>();
  for (const a of axes) {
    if (!accepted.includes(a.name)) {
      throw new UsageError(
        `--sweep: ${factory.name} has no param "${a.name}"; accepted: ${accepted.join(', ')}`,
      );
    }
    if (seen.has(a.name)) throw new UsageError(`--sweep: ${a.name} is swept twice; give it one --sweep`);
    if (a.name in fixed) throw new UsageError(`--sweep: ${a.name} is also fixed by --param; drop one`);
    seen.add(a.name);
  }
  const runs = axes.reduce((n, a) => n * a.values.length, 1);
  if (runs > MAX_SWEEP_RUNS) throw tooMany(runs);
}

/** The cross product (last axis varying fastest), each combination validated by the strategy. */
export function buildGrid(
  factory: StrategyFactory,
  axes: readonly SweepAxis[],
  fixed: Readonly<Record<string, string>>,
): SweepGrid {
  checkAxes(factory, axes, fixed);
  const combos: StrategyParams[] = [];
  let skipped = 0;
  let firstSkip: string | null = null;
  const pick: Record<string, number> = {};
  const walk = (i: number): void => {
    const axis = axes[i];
    if (!axis) {
      try {
        combos.push(factory.parseParams({ ...fixed, ...pick }));
      } catch (e) {
        if (!(e instanceof StrategyParamError)) throw e;
        skipped++;
        firstSkip ??= e.message;
      }
      return;
    }
    for (const v of axis.values) {
      pick[axis.name] = v;
      walk(i + 1);
    }
  };
  walk(0);
  return { combos, skipped, firstSkip };
}

/** "fast=5 slow=20": the swept params only (the fixed ones are the same on every row). */
export function paramsLabel(params: Readonly<Record<string, number>>, axes: readonly SweepAxis[]): string {
  return axes.map((a) => `${a.name}=${params[a.name]}`).join(' ');
}
