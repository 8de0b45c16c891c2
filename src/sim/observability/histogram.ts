import { expectArg } from '../errors.ts'

/**
 * Latency histograms as Prometheus and OpenTelemetry keep them: fixed bucket upper bounds
 * (`le`, "less than or equal"), a count per bucket plus an overflow bucket, a sum and a count.
 * Cheap to keep and to aggregate, but a percentile can only be estimated.
 *
 * `quantile(q)` follows Prometheus's histogram_quantile: find the bucket holding the q·count-th
 * observation and interpolate linearly inside it (the lowest bucket starts at 0).
 *
 * Resolution guarantee (tested): for observations in [0, last bound], the estimate lies in the same
 * bucket as the exact nearest-rank percentile, so |estimate − exact| ≤ that bucket's width.
 * Above the last bound Prometheus, and this, can only answer "the last bound".
 */
/** Roughly ×1.5 steps from 1 ms to 5 s: an estimate is within about half its value of the truth. */
export const DEFAULT_BOUNDS: readonly number[] = [1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000]

export interface HistogramView {
  readonly bounds: readonly number[]
  /** counts[i] observations in (bounds[i-1], bounds[i]]; the last entry is the overflow (> last bound). */
  readonly counts: readonly number[]
  readonly count: number
  readonly sum: number
}

export class Histogram {
  readonly bounds: readonly number[]
  private readonly buckets: number[]
  private total = 0
  private sumOf = 0

  constructor(bounds: readonly number[] = DEFAULT_BOUNDS) {
    expectArg(bounds.length > 0 && bounds.every((b, i) => Number.isFinite(b) && b > 0 && (i === 0 || b > bounds[i - 1]!)), 'histogram bounds', bounds, 'a non-empty, strictly increasing list of positive numbers')
    this.bounds = [...bounds]
    this.buckets = new Array<number>(bounds.length + 1).fill(0)
  }

  observe(value: number): void {
    expectArg(Number.isFinite(value) && value >= 0, 'histogram observation', value, 'a finite number ≥ 0')
    let i = 0
    while (i < this.bounds.length && value > this.bounds[i]!) i++
    this.buckets[i]!++
    this.total++
    this.sumOf += value
  }

  get count(): number {
    return this.total
  }

  get sum(): number {
    return this.sumOf
  }

  /** The estimated q-quantile (0 < q ≤ 1), or null with no observations. */
  quantile(q: number): number | null {
    return histogramQuantile(this.view(), q)
  }

  view(): HistogramView {
    return { bounds: this.bounds, counts: [...this.buckets], count: this.total, sum: this.sumOf }
  }
}

/** The exact nearest-rank percentile: the smallest sample with at least q·n samples at or below it. */
export function percentile(samples: readonly number[], q: number): number | null {
  expectArg(Number.isFinite(q) && q > 0 && q <= 1, 'percentile q', q, 'a number in (0, 1]')
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!
}

/**
 * `Histogram.quantile` on a plain view (bucket counts need not be integers: a scene interpolates
 * counts between two checkpoints and reads the percentiles of what it draws).
 */
export function histogramQuantile(h: HistogramView, q: number): number | null {
  expectArg(Number.isFinite(q) && q > 0 && q <= 1, 'quantile q', q, 'a number in (0, 1]')
  const total = h.counts.reduce((a, b) => a + b, 0)
  if (total <= 0) return null
  const rank = q * total
  let cumulative = 0
  for (let i = 0; i < h.counts.length; i++) {
    const inBucket = h.counts[i]!
    if (cumulative + inBucket >= rank && inBucket > 0) {
      if (i === h.bounds.length) return h.bounds.at(-1)!
      const lower = i === 0 ? 0 : h.bounds[i - 1]!
      const upper = h.bounds[i]!
      return lower + ((upper - lower) * (rank - cumulative)) / inBucket
    }
    cumulative += inBucket
  }
  return h.bounds.at(-1)!
}
