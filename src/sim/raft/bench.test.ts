// The benchmark runs (a short version here; `npm run bench` runs the full ten minutes).
import { expect, it } from 'vitest'
import { benchRaft } from './bench.ts'

it('benchRaft reports seek times and throughput', () => {
  const r = benchRaft({ simulatedMs: 20_000 })
  expect(r.seekSamples).toBe(2 * 34) // 6 scenarios, 34 checkpoints with `start`, fresh and cached
  expect(r.seekMedianMs).toBeLessThan(5) // the target, with a wide margin on any machine
  expect(r.proposals).toBe(r.committed)
  expect(r.proposals).toBeGreaterThan(190)
  expect(r.eventsPerSecond).toBeGreaterThan(0)
})
