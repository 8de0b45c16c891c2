/**
 * A time warp for transitions: maps t ∈ [0, 1] to simulated time so that busy stretches play at
 * an even pace and idle stretches are squeezed. A step whose messages all fly in the first 10 ms
 * and then waits 90 ms for a timeout would otherwise show its messages for a tenth of the
 * transition and an empty wait for the rest.
 *
 * Every gap between two consecutive key times (event times, in simulated ms) gets a share of t
 * proportional to min(gap, maxGap): gaps shorter than maxGap keep their real proportions.
 * Monotonic, continuous, warp(0) = begin and warp(1) = end.
 */
export function timeWarp(keys: readonly number[], begin: number, end: number, maxGap: number): (t: number) => number {
  if (!(end > begin)) return () => end
  const points = [...new Set([begin, end, ...keys.filter((k) => k > begin && k < end)])].sort((a, b) => a - b)
  const weights: number[] = []
  let total = 0
  for (let i = 1; i < points.length; i++) {
    const w = Math.min(points[i]! - points[i - 1]!, maxGap)
    weights.push(w)
    total += w
  }
  return (t: number) => {
    if (t <= 0) return begin
    if (t >= 1) return end
    let goal = t * total
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!
      if (goal <= w) return points[i]! + (w > 0 ? goal / w : 0) * (points[i + 1]! - points[i]!)
      goal -= w
    }
    return end
  }
}
