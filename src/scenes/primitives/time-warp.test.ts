import { describe, expect, it } from 'vitest'
import { timeWarp } from './time-warp.ts'

describe('timeWarp', () => {
  it('keeps the ends and is monotonic', () => {
    const warp = timeWarp([3, 5, 9, 90], 0, 100, 6)
    expect(warp(0)).toBe(0)
    expect(warp(1)).toBe(100)
    let last = -Infinity
    for (let i = 0; i <= 100; i++) {
      const x = warp(i / 100)
      expect(x).toBeGreaterThanOrEqual(last)
      last = x
    }
  })

  it('squeezes long idle gaps and keeps short ones in proportion', () => {
    // Gaps 0-2, 2-4, 4-100: weights 2, 2, 4 of 8.
    const warp = timeWarp([2, 4], 0, 100, 4)
    expect(warp(0.25)).toBeCloseTo(2)
    expect(warp(0.5)).toBeCloseTo(4)
    expect(warp(0.75)).toBeCloseTo(52)
  })

  it('is linear without keys or when every gap is short', () => {
    expect(timeWarp([], 10, 20, 100)(0.5)).toBeCloseTo(15)
    expect(timeWarp([11, 12, 18], 10, 20, 100)(0.3)).toBeCloseTo(13)
  })

  it('ignores keys outside the range and copes with an empty range', () => {
    expect(timeWarp([-5, 50], 0, 10, 100)(0.5)).toBeCloseTo(5)
    expect(timeWarp([1], 7, 7, 5)(0.4)).toBe(7)
  })
})
