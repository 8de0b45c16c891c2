import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createPartitionCluster, type PartitionCluster } from './cluster.ts'
import { hashTrace } from '../trace.ts'
import { SimArgumentError } from '../errors.ts'

const splitBrain = (seed: number, opts: Parameters<typeof createPartitionCluster>[0] extends infer O ? Partial<O> : never = {}): PartitionCluster => {
  const m = createPartitionCluster({ seed, ...opts })
  m.advance(100)
  m.partition()
  m.runUntil(() => m.primaries().length === 2, 3000)
  return m
}

describe('partition: the fault line', () => {
  it('drops every packet that tries to cross, with reason partition, and delivers none', () => {
    const m = createPartitionCluster({ seed: 1 })
    m.advance(100)
    const from = m.trace.length
    m.partition()
    m.advance(400)
    const side = (id: unknown) => (typeof id === 'number' ? m.side(id) : -1)
    const crossing = m.trace.slice(from).filter((e) => (e.type === 'deliver' || e.type === 'drop') && side(e.from) !== side(e.to))
    expect(crossing.length).toBeGreaterThan(0)
    expect(crossing.every((e) => e.type === 'drop' && e.reason === 'partition')).toBe(true)
  })
})

describe('partition: split-brain and quorum', () => {
  it('without protection both sides elect a primary and accept conflicting writes', () => {
    const m = splitBrain(2)
    const [left, right] = m.primaries() as [number, number]
    expect(m.side(left)).not.toBe(m.side(right))
    m.write(left, 'k', 'L')
    m.write(right, 'k', 'R')
    m.advance(30)
    expect(m.writes().map((w) => w.status)).toEqual(['ok', 'ok'])
    expect(m.conflicts()).toEqual(['k'])
  })

  it('with a quorum rule the minority never elects, and no epoch ever has two primaries', () => {
    const groups = fc.constantFrom([[0, 1, 2], [3, 4]], [[0, 1], [2, 3, 4]], [[0, 4], [1, 2, 3]], [[0], [1], [2, 3, 4]])
    const schedule = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400 }), heal: fc.boolean(), groups }), { maxLength: 6 })
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), schedule, (seed, steps) => {
      const m = createPartitionCluster({ seed, quorum: true })
      const leaders = new Map<number, Set<number>>()
      const watch = () => {
        for (const p of m.primaries()) leaders.set(m.epoch(p), new Set([...(leaders.get(m.epoch(p)) ?? []), p]))
      }
      for (const s of steps) {
        if (s.heal) m.heal()
        else m.partition(s.groups)
        for (let t = 0; t < s.gap; t += 10) {
          m.advance(10)
          watch()
        }
      }
      for (const who of leaders.values()) expect(who.size).toBe(1)
      // Every primary elected after the first epoch needed a majority: check against its votes.
      for (const e of m.trace.all()) {
        if (e.type === 'state' && e.field === 'role' && e.value === 'primary') expect(e.label).toMatch(/with [3-5] votes/)
      }
    }), { numRuns: 100 })
  })
})

describe('partition: fencing and STONITH', () => {
  const fencedRun = (fencing: boolean, seed: number, steps: readonly { gap: number; writer: number; heal: boolean }[]) => {
    const m = createPartitionCluster({ seed, quorum: true, fencing, data: 'shared-disk', primary: 3 })
    m.advance(100)
    m.partition()
    let v = 0
    for (const s of steps) {
      m.advance(s.gap)
      if (s.heal) m.heal()
      if (m.role(s.writer) === 'primary') m.write(s.writer, 'x', `v${++v}`)
    }
    m.advance(100)
    return m
  }

  it('never lets a stale primary write: every accepted write carries the newest token the disk has seen', () => {
    // Node 3 is the old primary, cut off on the minority side: let it try often.
    const step = fc.record({ gap: fc.integer({ min: 0, max: 200 }), writer: fc.oneof(fc.constant(3), fc.integer({ min: 0, max: 4 })), heal: fc.boolean() })
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.array(step, { maxLength: 12 }), (seed, steps) => {
      const m = fencedRun(true, seed, steps)
      let highest = 0
      for (const w of m.storage!.writes()) {
        if (w.accepted) expect(w.token).toBeGreaterThanOrEqual(highest)
        else expect(w.token).toBeLessThan(w.highest)
        if (w.accepted) highest = Math.max(highest, w.token)
      }
    }), { numRuns: 100 })
  })

  it('rejects the old primary once the majority has moved on, and without fencing would not', () => {
    for (const fencing of [true, false]) {
      const m = createPartitionCluster({ seed: 4, quorum: true, fencing, data: 'shared-disk', primary: 3 })
      m.advance(100)
      m.partition()
      m.runUntil(() => m.primaries().some((p) => m.side(p) === 0) && (!fencing || m.storage!.highest === 2))
      const leader = m.primaries().find((p) => m.side(p) === 0)!
      m.write(leader, 'x', 'new')
      m.advance(20)
      expect(m.role(3)).toBe('primary')
      const stale = m.write(3, 'x', 'stale')
      m.advance(20)
      const w = m.writes()[stale - 1]!
      if (fencing) {
        expect(w).toMatchObject({ status: 'rejected', reason: 'stale fencing token 1: the disk has seen 2' })
        expect(m.storage!.get('x')?.value).toBe('new')
        expect(m.role(3)).toBe('follower')
      } else {
        // The unsafe baseline: the stale primary overwrites its successor's data.
        expect(w.status).toBe('ok')
        expect(m.storage!.get('x')?.value).toBe('stale')
      }
    }
  })

  it('STONITH stops a node at once, across the partition', () => {
    const m = createPartitionCluster({ seed: 5, quorum: true })
    m.advance(100)
    m.partition()
    m.stonith(0, 3)
    expect(m.role(0)).toBe('stopped')
    const before = m.trace.length
    m.advance(500)
    expect(m.trace.slice(before).some((e) => e.type === 'send' && e.from === 0)).toBe(false)
    const refused = m.write(0, 'k', 'v')
    expect(m.writes()[refused - 1]).toMatchObject({ status: 'refused', reason: 'node 0 is powered off' })
    expect(m.trace.all().some((e) => e.type === 'state' && e.label === 'STONITH by node 3: node 0 powered off')).toBe(true)
  })
})

describe('partition: conflict resolution on heal', () => {
  it('LWW converges to one value and reports the write it discards', () => {
    const m = splitBrain(6, { resolution: 'lww' })
    const [left, right] = m.primaries() as [number, number]
    m.write(left, 'k', 'L')
    m.write(right, 'k', 'R')
    m.advance(30)
    m.heal()
    m.advance(200)
    expect(m.conflicts()).toEqual([])
    const [d] = m.discarded()
    expect(m.discarded()).toHaveLength(1)
    expect(new Set([d!.kept.value, d!.lost.value])).toEqual(new Set(['L', 'R']))
    for (let id = 0; id < 5; id++) expect(m.read(id, 'k')).toEqual([d!.kept.value])
    // A plain overwrite in causal order is not a discard.
    const p = m.primaries()[0]!
    m.write(p, 'k', 'later')
    m.advance(50)
    expect(m.discarded()).toHaveLength(1)
  })

  it('vector clocks keep concurrent writes as siblings, and a later write resolves them', () => {
    const m = splitBrain(6, { resolution: 'vector-clock' })
    const [left, right] = m.primaries() as [number, number]
    m.write(left, 'k', 'L')
    m.write(right, 'k', 'R')
    m.advance(30)
    m.heal()
    m.advance(200)
    for (let id = 0; id < 5; id++) expect(m.read(id, 'k')).toEqual(['L', 'R'])
    expect(m.discarded()).toEqual([])
    const p = m.primaries()[0]!
    m.write(p, 'k', 'merged')
    m.advance(50)
    for (let id = 0; id < 5; id++) expect(m.read(id, 'k')).toEqual(['merged'])
  })

  it('CRDTs merge both sides: the counter sums every delta, the set keeps concurrent adds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -5, max: 5 })), { maxLength: 10 }), (seed, deltas) => {
      const m = splitBrain(seed, { resolution: 'crdt' })
      const [left, right] = m.primaries() as [number, number]
      for (const [onLeft, delta] of deltas) m.update(onLeft ? left : right, 'n', { type: 'pn-counter', delta })
      m.update(left, 's', { type: 'or-set', add: 'L' })
      m.update(right, 's', { type: 'or-set', add: 'R' })
      m.advance(30)
      m.heal()
      m.advance(200)
      const sum = deltas.reduce((a, [, d]) => a + d, 0)
      for (let id = 0; id < 5; id++) {
        expect(m.read(id, 'n')).toBe(deltas.length === 0 ? null : sum)
        expect(m.read(id, 's')).toEqual(['L', 'R'])
      }
    }), { numRuns: 40 })
  })
})

describe('partition: arguments and determinism', () => {
  it('names bad arguments', () => {
    expect(() => createPartitionCluster({ seed: 1, sides: [0, 2] })).toThrow(/sides\[0\]: got 0, expected an integer in 1..6/)
    expect(() => createPartitionCluster({ seed: 1, resolution: 'merge' as 'lww' })).toThrow(/resolution: got "merge"/)
    expect(() => createPartitionCluster({ seed: 1, primary: 9 })).toThrow(/primary: got 9, expected an integer in 0..4/)
    const m = createPartitionCluster({ seed: 1 })
    expect(() => m.partition([[0, 7]])).toThrow(/partition node: got 7/)
    expect(() => m.update(0, 'n', { type: 'pn-counter', delta: 1 })).toThrow(SimArgumentError)
    expect(() => m.stonith(-1)).toThrow(/node id: got -1/)
    const c = createPartitionCluster({ seed: 1, resolution: 'crdt' })
    c.update(0, 'n', { type: 'pn-counter', delta: 1 })
    expect(() => c.update(0, 'n', { type: 'or-set', add: 'x' })).toThrow(/CRDT op type: got "or-set", expected pn-counter/)
    expect(() => c.update(0, 'n', { type: 'pn-counter', delta: 1.5 })).toThrow(/CRDT op: got/)
    expect(() => c.write(0, 'n', 'x')).toThrow(/write\(\): got "crdt"/)
  })

  it('same seed and same calls give the same trace', () => {
    const run = (seed: number) => {
      const m = splitBrain(seed)
      m.heal()
      m.advance(300)
      return hashTrace(m.trace.all())
    }
    expect(run(3)).toBe(run(3))
    expect(run(3)).not.toBe(run(4))
  })
})
