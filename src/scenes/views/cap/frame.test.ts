import { describe, expect, it } from 'vitest'
import { capScenario } from '../../../sim/cap/scenarios.ts'
import { frameAt, frameBetween, previousCheckpoint } from './frame.ts'
import { clientLines, modeLines, reconciliationLines, replicaLines } from './text.ts'
import type { CapFrame } from './frame.ts'

const sc = capScenario.create(7)
const texts = (lines: { text: string }[]) => lines.map((l) => l.text).join(' | ')
const values = (f: CapFrame) => f.nodes.map((n) => n.value)

describe('CAP frames at the checkpoints', () => {
  it('show each step’s values, requests and replies', () => {
    expect(values(frameAt(sc, 'start'))).toEqual([undefined, undefined, undefined])
    expect(texts(replicaLines(frameAt(sc, 'start'), 0))).toBe('replica 0 | balance = —')

    const healthy = frameAt(sc, 'healthy')
    expect(values(healthy)).toEqual([100, 100, 100])
    expect(texts(clientLines(healthy, 0).lines)).toBe('write 100 ✓ ok')
    expect(clientLines(healthy, 2).idle).toBe(true)

    const partition = frameAt(sc, 'partition')
    expect(values(partition)).toEqual([120, 120, 100])
    expect(texts(clientLines(partition, 0).lines)).toBe('write 120 ✓ ok')
    expect(texts(replicaLines(partition, 2))).toBe('replica 2 | balance = 100 | cut off: no majority')
    expect(partition.drops.length).toBeGreaterThan(0)

    const cp = frameAt(sc, 'cp')
    const right = clientLines(cp, 2)
    expect(texts(right.lines)).toBe('write 50 ✗ no quorum | read ✗ no quorum')
    expect(right.refused).toBe(true)
    expect(texts(clientLines(cp, 0).lines)).toBe('read → 120')
    expect(texts(modeLines(cp))).toBe('CP mode | a majority, or an error')

    const ap = frameAt(sc, 'ap')
    expect(values(ap)).toEqual([150, 150, 80])
    expect(texts(clientLines(ap, 0).lines)).toBe('write 150 ✓ ok | read → 150')
    expect(texts(clientLines(ap, 2).lines)).toBe('write 80 ✓ ok | read → 80')
    expect(modeLines(ap)[0]!.text).toBe('AP mode')

    const heal = frameAt(sc, 'heal')
    expect(values(heal)).toEqual([150, 150, 150])
    expect(heal.ops).toEqual([])
    expect(texts(replicaLines(heal, 2))).toBe('replica 2 | balance = 150 | 80 overwritten')
    expect(texts(reconciliationLines(heal))).toBe('heal: last writer wins (HLC) | keeps 150 @186.0 | drops 80 @180.0')
    expect(reconciliationLines(frameAt(sc, 'ap'))).toEqual([])
  })

  it('name the step before each checkpoint', () => {
    expect(previousCheckpoint(sc, 'start')).toBe('start')
    expect(previousCheckpoint(sc, 'cp')).toBe('partition')
  })
})

describe('CAP frames between checkpoints', () => {
  it('replay the trace: messages fly, drops stop at the wall, replies arrive, values change', () => {
    const steps = Array.from({ length: 50 }, (_, i) => frameBetween(sc, 'healthy', 'partition', i / 50))
    expect(steps.some((f) => f.wire.some((m) => m.kind === 'query'))).toBe(true)
    expect(steps.some((f) => f.wire.some((m) => m.dropped))).toBe(true)
    expect(steps.some((f) => f.clientFlights.some((c) => c.phase === 'request'))).toBe(true)
    expect(steps.some((f) => f.clientFlights.some((c) => c.phase === 'reply' && c.ok))).toBe(true)
    expect(steps.some((f) => f.ops.some((o) => o.status === 'pending'))).toBe(true)
    expect(values(steps[0]!)).toEqual([100, 100, 100])
    expect(values(steps.at(-1)!)).toEqual(values(frameAt(sc, 'partition')))
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.time).toBeGreaterThanOrEqual(steps[i - 1]!.time)
  })

  it('play the CP refusal, the switch to AP and the heal’s verdict', () => {
    const cp = Array.from({ length: 40 }, (_, i) => frameBetween(sc, 'partition', 'cp', i / 40))
    expect(cp.some((f) => f.clientFlights.some((c) => c.phase === 'reply' && !c.ok))).toBe(true)
    expect(cp[0]!.ops.every((o) => o.status !== 'refused')).toBe(true)

    const ap = Array.from({ length: 40 }, (_, i) => frameBetween(sc, 'cp', 'ap', i / 40))
    expect(ap.at(-1)!.mode).toBe('AP')
    expect(ap.some((f) => f.wire.some((m) => m.kind === 'replicate' && m.dropped))).toBe(true)

    const heal = Array.from({ length: 40 }, (_, i) => frameBetween(sc, 'ap', 'heal', i / 40))
    expect(heal[0]!.reconciliation).toBeNull()
    expect(heal.at(-1)!.partition).toBeNull()
    expect(heal.at(-1)!.reconciliation?.kept.value).toBe(150)
    expect(heal.some((f) => f.wire.some((m) => m.kind === 'sync'))).toBe(true)
    expect(heal.at(-1)!.nodes[2]!.lost).toBe(80)
  })

  it('is a pure function of (from, to, t)', () => {
    expect(frameBetween(sc, 'partition', 'cp', 0.37)).toEqual(frameBetween(capScenario.create(7), 'partition', 'cp', 0.37))
  })
})
