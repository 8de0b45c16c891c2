import { describe, expect, it } from 'vitest'
import { crdtScenario, fencingScenario, lwwScenario, partitionScenarios, splitBrainScenario, vectorClockScenario } from './scenarios.ts'
import { snapshotPartition, type PartitionSnapshot } from './snapshot.ts'
import { hashTrace } from '../trace.ts'
import type { ScenarioFactory } from '../scenario.ts'
import type { PartitionCluster } from './cluster.ts'

const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T
const valueOf = (s: PartitionSnapshot, id: number, key: string) => s.nodes[id]!.data.find((d) => d.key === key)?.value

describe('partition scenarios', () => {
  it('lists the scenarios with exactly the named checkpoints, seed 7 by default', () => {
    expect(Object.fromEntries(partitionScenarios.map((f) => [f.name, [f.kind, ...f.checkpoints]]))).toEqual({
      'split-brain': ['partition', 'start', 'partition', 'bounce', 'two-primaries', 'conflict'],
      fencing: ['partition', 'start', 'partition', 'new-epoch', 'stale-rejected', 'stonith'],
      lww: ['partition', 'start', 'concurrent-writes', 'heal', 'resolved'],
      'vector-clocks': ['partition', 'start', 'concurrent-writes', 'heal', 'siblings'],
      crdt: ['partition', 'start', 'concurrent-updates', 'heal', 'merged'],
    })
    expect([splitBrainScenario, fencingScenario, lwwScenario, vectorClockScenario, crdtScenario].map((f) => f.create().seed)).toEqual([7, 7, 7, 7, 7])
  })

  for (const factory of partitionScenarios as ScenarioFactory<PartitionSnapshot, PartitionCluster>[]) {
    describe(factory.name, () => {
      it('same seed ⇒ same trace', () => {
        expect(hashTrace(factory.create(7).trace())).toBe(hashTrace(factory.create(7).trace()))
      })

      it('reaches every checkpoint in any order with equal, JSON-plain snapshots and distinct narration', () => {
        const names = factory.checkpoints
        const forward = names.map((n) => factory.create(7).stateAt(n))
        const backward = factory.create(7)
        expect([...names].reverse().map((n) => backward.stateAt(n)).reverse()).toEqual(forward)
        const replayed = factory.create(7)
        for (const n of [...names].reverse()) expect(plain(snapshotPartition(replayed.live(n)))).toEqual(plain(replayed.stateAt(n)))
        for (const s of forward) expect(plain(s)).toEqual(s)
        expect(new Set(forward.map((s) => backward.describe(s))).size).toBe(names.length)
      })
    })
  }

  it('split-brain: partition → packets bounce → two primaries → conflicting data', () => {
    const sc = splitBrainScenario.create(7)
    expect(sc.stateAt('start').partitioned).toBe(false)
    expect(sc.stateAt('partition').partitioned).toBe(true)
    const bounce = sc.stateAt('bounce')
    expect(bounce.drops.length).toBeGreaterThan(0)
    expect(bounce.drops.every((d) => d.reason === 'partition')).toBe(true)
    expect(bounce.primaries).toHaveLength(1)
    const two = sc.stateAt('two-primaries')
    expect(two.primaries).toHaveLength(2)
    expect(new Set(two.primaries.map((p) => two.nodes[p]!.side))).toEqual(new Set([0, 1]))
    const conflict = sc.stateAt('conflict')
    expect(conflict.conflicts).toEqual(['seat-12A'])
    expect(valueOf(conflict, 0, 'seat-12A')).not.toEqual(valueOf(conflict, 4, 'seat-12A'))
  })

  it('fencing: new epoch on the majority, stale token rejected, old primary shot', () => {
    const sc = fencingScenario.create(7)
    const part = sc.stateAt('partition')
    expect(part.partitioned).toBe(true)
    expect(part.primaries).toEqual([3])
    const epoch = sc.stateAt('new-epoch')
    expect(epoch.storage!.highestToken).toBe(2)
    expect(epoch.primaries.map((p) => epoch.nodes[p]!.epoch).sort()).toEqual([1, 2])
    const stale = sc.stateAt('stale-rejected')
    expect(stale.storage!.last).toMatchObject({ by: 3, token: 1, accepted: false, highest: 2 })
    expect(stale.storage!.data[0]!.value).toBe('v1')
    const shot = sc.stateAt('stonith')
    expect(shot.nodes[3]!.role).toBe('stopped')
    expect(shot.storage!.data[0]).toMatchObject({ value: 'v2', token: 2 })
  })

  it('lww: concurrent writes → heal → one value everywhere, the discarded write reported', () => {
    const sc = lwwScenario.create(7)
    expect(sc.stateAt('concurrent-writes').conflicts).toEqual(['seat-12A'])
    expect(sc.stateAt('heal').partitioned).toBe(false)
    expect(sc.stateAt('heal').inFlight.some((f) => f.kind === 'sync')).toBe(true)
    const done = sc.stateAt('resolved')
    expect(done.conflicts).toEqual([])
    expect(done.discarded).toHaveLength(1)
    for (const n of done.nodes) expect(valueOf(done, n.id, 'seat-12A')).toEqual([done.discarded[0]!.kept.value])
  })

  it('vector-clocks: concurrent writes → heal → siblings everywhere', () => {
    const sc = vectorClockScenario.create(7)
    expect(sc.stateAt('concurrent-writes').partitioned).toBe(true)
    expect(sc.stateAt('heal').partitioned).toBe(false)
    const sib = sc.stateAt('siblings')
    for (const n of sib.nodes) {
      expect(valueOf(sib, n.id, 'seat-12A')).toEqual(['alice', 'bob'])
      expect(n.data[0]!.versions).toHaveLength(2)
    }
    expect(sib.discarded).toEqual([])
  })

  it('crdt: concurrent updates → heal → merged without conflict', () => {
    const sc = crdtScenario.create(7)
    const before = sc.stateAt('concurrent-updates')
    expect(before.conflicts).toEqual(['cart', 'likes'])
    expect(sc.stateAt('heal').partitioned).toBe(false)
    const merged = sc.stateAt('merged')
    expect(merged.conflicts).toEqual([])
    for (const n of merged.nodes) {
      expect(valueOf(merged, n.id, 'likes')).toBe(10 + 3 + 2 - 1)
      expect(valueOf(merged, n.id, 'cart')).toEqual(['book', 'pen'])
    }
  })
})
