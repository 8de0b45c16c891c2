import { describe, expect, it } from 'vitest'
import { hashingScenarios } from '../../../sim/hashing/scenarios.ts'
import type { HashingSnapshot } from '../../../sim/hashing/model.ts'
import { ringFrame, type RingPiece } from './ring-frame.ts'
import { SETTLED, livePhases, scriptedPhases } from './timeline.ts'

const TWO_PI = Math.PI * 2
const sc = (name: string) => hashingScenarios.find((s) => s.name === name)!.create(7)

/** Who owns `angle` in a drawn frame. */
function ownerIn(pieces: readonly RingPiece[], angle: number): string | null {
  for (const p of pieces) {
    const a = ((angle - p.start) % TWO_PI + TWO_PI) % TWO_PI
    if (a < p.end - p.start) return p.server
  }
  throw new Error(`angle ${angle} not covered`)
}

/** Who owns `angle` in a snapshot: the next token clockwise. */
function ownerOf(s: HashingSnapshot, angle: number): string {
  return (s.tokens.find((t) => t.angle >= angle) ?? s.tokens[0]!).server
}

const probes = Array.from({ length: 720 }, (_, i) => (i + 0.5) * (TWO_PI / 720))

describe('ring frame', () => {
  it('at a checkpoint is exactly the snapshot ring: pieces tile the circle, each owned by the next token', () => {
    for (const [name, step] of [['ring', 'servers'], ['add-server', 'moved'], ['virtual-nodes', 'one-token'], ['virtual-nodes', 'many-tokens']] as const) {
      const s = sc(name).stateAt(step)
      const f = ringFrame(s, s, SETTLED)
      expect(f.pieces.reduce((a, p) => a + (p.end - p.start), 0)).toBeCloseTo(TWO_PI, 9)
      for (const a of probes) expect(ownerIn(f.pieces, a), `${name}/${step} at ${a}`).toBe(ownerOf(s, a))
      expect(f.marks).toHaveLength(s.tokens.length)
      expect(f.marks.every((m) => m.scale === 1)).toBe(true)
    }
  })

  it('an empty ring is one unowned piece', () => {
    const s = sc('ring').stateAt('start')
    expect(ringFrame(s, s, SETTLED).pieces).toEqual([{ start: 0, end: TWO_PI, server: null }])
  })

  it('while a server joins, only stretches that end up its own change hands, and they grow with the phase', () => {
    const scenario = sc('add-server')
    const a = scenario.stateAt('start')
    const b = scenario.stateAt('add')
    let last = -1
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const f = ringFrame(a, b, scriptedPhases(scenario.eventsBetween('start', 'add'), scenario.timeOf('start'), scenario.timeOf('add'), t))
      let taken = 0
      for (const x of probes) {
        const o = ownerIn(f.pieces, x)
        expect([ownerOf(a, x), ownerOf(b, x)]).toContain(o)
        if (o === 'server-e') taken++
      }
      expect(taken).toBeGreaterThanOrEqual(last)
      last = taken
      if (t === 0) expect(taken).toBe(0)
    }
    expect(last).toBe(probes.filter((x) => ownerOf(b, x) === 'server-e').length)
  })

  it('while a server leaves, its stretches pass to the next token clockwise', () => {
    const scenario = sc('remove-server')
    const a = scenario.stateAt('start')
    const b = scenario.stateAt('remove')
    const half = ringFrame(a, b, livePhases(0.25))
    for (const x of probes) expect([ownerOf(a, x), ownerOf(b, x)]).toContain(ownerIn(half.pieces, x))
    const end = ringFrame(a, b, livePhases(1))
    for (const x of probes) expect(ownerIn(end.pieces, x)).toBe(ownerOf(b, x))
    expect(end.marks.some((m) => m.server === 'server-c')).toBe(false)
  })
})

describe('scripted phases', () => {
  it('give each traced change the window since the previous one', () => {
    const scenario = sc('ring')
    const events = scenario.eventsBetween('start', 'servers')
    const at = (t: number) => scriptedPhases(events, scenario.timeOf('start'), scenario.timeOf('servers'), t)
    // Four servers join at 1000, 2000, 3000 and 4000 ms: one after another.
    expect([0.125, 0.375, 0.625, 0.875].map((t) => ['server-a', 'server-b', 'server-c', 'server-d'].map((s) => at(t).join(s)))).toEqual([
      [0.5, 0, 0, 0],
      [1, 0.5, 0, 0],
      [1, 1, 0.5, 0],
      [1, 1, 1, 0.5],
    ])
    const v = sc('virtual-nodes')
    const ph = scriptedPhases(v.eventsBetween('start', 'one-token'), v.timeOf('start'), v.timeOf('one-token'), 0.5)
    // New tokens first (the retoken window is over at half-time), then the keys move.
    expect(ph.retoken).toBe(1)
    expect(ph.key('any')).toBe(0)
  })
})
