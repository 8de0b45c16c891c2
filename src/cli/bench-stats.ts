/**
 * Statistics for `npm run bench`: the median and percentiles of samples, and a summary of them.
 * Pure functions, unit-tested (bench-stats.test.ts).
 *
 * Percentiles interpolate linearly between the two closest ranks (Hyndman & Fan type 7, numpy's
 * and Excel's PERCENTILE.INC default): p = 0 is the minimum, p = 100 the maximum, p = 50 the median.
 */

/** The samples sorted ascending (a copy; NaN is dropped). */
function sorted(xs: readonly number[]): number[] {
  return xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b)
}

/** The p-th percentile (0 ≤ p ≤ 100) of the samples, or NaN when there are none. */
export function percentile(xs: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`)
  const s = sorted(xs)
  if (s.length === 0) return Number.NaN
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  const a = s[lo]!
  const b = s[hi]!
  return a + (b - a) * (rank - lo)
}

/** The median of the samples (mean of the middle two for an even count), or NaN when there are none. */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50)
}

export interface Summary {
  n: number
  median: number
  p95: number
  min: number
  max: number
  mean: number
}

/** Count, median, p95, min, max and mean (NaN for everything but n when there are no samples). */
export function summarize(xs: readonly number[]): Summary {
  const s = sorted(xs)
  const n = s.length
  return {
    n,
    median: median(s),
    p95: percentile(s, 95),
    min: n ? s[0]! : Number.NaN,
    max: n ? s[n - 1]! : Number.NaN,
    mean: n ? s.reduce((a, b) => a + b, 0) / n : Number.NaN,
  }
}

/** Round to `digits` decimals (for the JSON report: sub-microsecond noise is not information). */
export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}
