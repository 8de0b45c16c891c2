import { describe, expect, it } from 'vitest'
import { median, percentile, round, summarize } from './bench-stats.ts'

describe('median', () => {
  it('is the middle sample, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
  })
  it('does not reorder its input and ignores NaN', () => {
    const xs = [5, 1, Number.NaN, 3]
    expect(median(xs)).toBe(3)
    expect(xs).toEqual([5, 1, Number.NaN, 3])
  })
  it('is NaN without samples', () => {
    expect(median([])).toBeNaN()
  })
})

describe('percentile', () => {
  it('interpolates between the closest ranks (type 7)', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(percentile(xs, 0)).toBe(1)
    expect(percentile(xs, 100)).toBe(10)
    expect(percentile(xs, 50)).toBe(5.5)
    expect(percentile(xs, 95)).toBeCloseTo(9.55, 10)
    expect(percentile(xs, 90)).toBeCloseTo(9.1, 10)
  })
  it('p95 of 1..100 is 95.05, and one outlier in 20 samples barely moves it', () => {
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBeCloseTo(95.05, 10)
    const xs = [...Array.from({ length: 19 }, () => 10), 1000]
    expect(percentile(xs, 95)).toBeCloseTo(10 + 0.05 * 990, 10)
    expect(median(xs)).toBe(10)
  })
  it('rejects p outside [0, 100]', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError)
    expect(() => percentile([1], -1)).toThrow(RangeError)
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError)
  })
})

describe('summarize', () => {
  it('counts, median, p95, min, max, mean', () => {
    const r = summarize([4, 2, 6, 8])
    expect(r).toMatchObject({ n: 4, median: 5, min: 2, max: 8, mean: 5 })
    expect(r.p95).toBeCloseTo(7.7, 10)
  })
  it('empty: n = 0 and NaN elsewhere', () => {
    const s = summarize([])
    expect(s.n).toBe(0)
    expect(s.median).toBeNaN()
    expect(s.max).toBeNaN()
  })
})

describe('round', () => {
  it('rounds to the given decimals and leaves non-finite values alone', () => {
    expect(round(1.23456, 3)).toBe(1.235)
    expect(round(2.5, 0)).toBe(3)
    expect(round(Number.NaN)).toBeNaN()
    expect(round(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
  })
})
