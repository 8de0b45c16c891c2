import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DEFAULT_BOUNDS, Histogram, percentile } from './histogram.ts'

describe('histogram percentiles', () => {
  // The stated resolution: for samples within the buckets, the estimate falls in the bucket that
  // holds the exact nearest-rank percentile, so the error is at most that bucket's width.
  it('match a sorted-array reference within the width of the bucket holding the exact value', () => {
    const last = DEFAULT_BOUNDS.at(-1)!
    fc.assert(fc.property(
      fc.array(fc.double({ min: 0, max: last, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.constantFrom(0.5, 0.9, 0.95, 0.99, 0.999, 1),
      (samples, q) => {
        const h = new Histogram()
        for (const x of samples) h.observe(x)
        const exact = percentile(samples, q)!
        const i = DEFAULT_BOUNDS.findIndex((b) => exact <= b)
        const lower = i === 0 ? 0 : DEFAULT_BOUNDS[i - 1]!
        const upper = DEFAULT_BOUNDS[i]!
        const estimate = h.quantile(q)!
        expect(estimate).toBeGreaterThanOrEqual(lower)
        expect(estimate).toBeLessThanOrEqual(upper)
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(upper - lower)
      },
    ), { numRuns: 200 })
  })

  it('percentile is nearest-rank over the sorted samples', () => {
    const xs = [15, 20, 35, 40, 50]
    expect([0.05, 0.3, 0.4, 0.5, 1].map((q) => percentile(xs, q))).toEqual([15, 20, 20, 35, 50])
    expect(percentile([], 0.5)).toBeNull()
  })

  it('interpolates inside a bucket like histogram_quantile and caps at the last bound', () => {
    const h = new Histogram([10, 20])
    for (const x of [12, 14, 16, 18]) h.observe(x)
    expect(h.quantile(0.5)).toBe(15)
    expect(h.quantile(1)).toBe(20)
    h.observe(100)
    expect(h.view()).toEqual({ bounds: [10, 20], counts: [0, 4, 1], count: 5, sum: 160 })
    expect(h.quantile(1)).toBe(20)
  })

  it('names bad arguments', () => {
    expect(() => new Histogram([5, 2])).toThrow(/histogram bounds: got \[5,2\], expected a non-empty, strictly increasing list/)
    expect(() => new Histogram().observe(-1)).toThrow(/histogram observation: got -1/)
    expect(() => new Histogram().quantile(0)).toThrow(/quantile q: got 0, expected a number in \(0, 1\]/)
    expect(() => percentile([1], 2)).toThrow(/percentile q: got 2/)
  })
})
