// Spans a download covered: merged when they touch, the parts of a range still to fetch, and gaps counted
// between bars and at the range's ends (fixed intervals and calendar months).
import { describe, expect, it } from 'vitest';
import { findGaps, mergeSpans, uncovered } from '../../src/data/spans.js';

const M = 60_000;

describe('candle store spans', () => {
  it('merges overlapping and adjacent spans, and finds what a range still lacks', () => {
    expect(
      mergeSpans(
        [
          [10 * M, 20 * M],
          [0, 9 * M],
          [30 * M, 40 * M],
        ],
        '1',
      ),
    ).toEqual([
      [0, 20 * M],
      [30 * M, 40 * M],
    ]);
    const covered = [
      [0, 9 * M],
      [20 * M, 29 * M],
    ] as const;
    expect(uncovered(covered, 0, 39 * M, '1')).toEqual([
      [10 * M, 19 * M],
      [30 * M, 39 * M],
    ]);
    expect(uncovered(covered, 2 * M, 5 * M, '1')).toEqual([]);
    expect(uncovered([], 0, 5 * M, '1')).toEqual([[0, 5 * M]]);
  });

  it('counts missing bars inside and at the ends of a range', () => {
    expect(findGaps([0, M, 5 * M, 6 * M], '1')).toEqual([{ from: 2 * M, missing: 3 }]);
    expect(findGaps([2 * M, 3 * M], '1', { from: 0, to: 5 * M })).toEqual([
      { from: 0, missing: 2 },
      { from: 4 * M, missing: 2 },
    ]);
    expect(findGaps([], '1', { from: 0, to: 4 * M })).toEqual([{ from: 0, missing: 5 }]);
    const jan = Date.UTC(2024, 0, 1);
    const apr = Date.UTC(2024, 3, 1);
    expect(findGaps([jan, apr], 'M')).toEqual([{ from: Date.UTC(2024, 1, 1), missing: 2 }]);
  });
});
