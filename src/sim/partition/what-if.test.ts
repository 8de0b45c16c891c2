import { describe, expect, it } from 'vitest'
import { crdtScenario, fencingScenario, lwwScenario, partitionScenarios, splitBrainScenario, vectorClockScenario } from './scenarios.ts'
import { createPartitionCluster, type PartitionCluster } from './cluster.ts'
import { entryNode, partitionWhatIf } from './what-if.ts'
import type { PartitionSnapshot } from './snapshot.ts'
import type { ScenarioFactory } from '../scenario.ts'

const act = (m: PartitionCluster, trigger: string, target?: { node?: number | string }): string => {
  const action = partitionWhatIf.actions.find((a) => a.trigger === trigger)
  if (!action) throw new Error(`no action ${trigger}`)
  return action.run(m, target)
}

describe('partition what-if', () => {
  it('every scenario offers p, w and click, at a speed slow enough to watch a message fly', () => {
    for (const f of partitionScenarios as ScenarioFactory<PartitionSnapshot, PartitionCluster>[]) {
      expect(f.create(7).whatIf?.actions.map((a) => a.trigger)).toEqual(['p', 'w', 'click'])
    }
    // A message takes 2–6 simulated ms: at least ~50 real ms on screen.
    expect(partitionWhatIf.speed).toBeLessThanOrEqual(40)
  })

  it('p partitions a whole network and heals a split one; healing replicated data merges it', () => {
    const sc = lwwScenario.create(7)
    const m = sc.live('concurrent-writes')
    expect(m.partitioned).toBe(true)
    expect(act(m, 'p')).toMatch(/^Healed/)
    expect(m.partitioned).toBe(false)
    partitionWhatIf.advance(m, 200)
    expect(m.conflicts()).toEqual([])
    expect(new Set([0, 1, 2, 3, 4].map((id) => JSON.stringify(m.read(id, 'seat-12A')))).size).toBe(1)
    expect(act(m, 'p')).toMatch(/^Partitioned: side A \{0, 1, 2\} and side B \{3, 4\}/)
    expect(m.partitioned).toBe(true)
  })

  it('w writes on side A, then side B, to the primary each side has', () => {
    const m = splitBrainScenario.create(7).live('two-primaries')
    const [left, right] = m.primaries() as [number, number]
    const first = act(m, 'w')
    expect(first).toMatch(new RegExp(`^A client on side A sends seat-12A = \\w+ to node ${left} \\(primary, epoch 1\\): taken\\.$`))
    const second = act(m, 'w')
    expect(second).toMatch(new RegExp(`side B sends seat-12A = \\w+ to node ${right} \\(primary, epoch 3\\): taken`))
    partitionWhatIf.advance(m, 30)
    expect(m.read(left, 'seat-12A')).not.toEqual(m.read(right, 'seat-12A'))
    expect(m.conflicts()).toEqual(['seat-12A'])
  })

  it('w on a side without a primary is refused there', () => {
    // quorum: the minority side B cannot elect once its primary is gone.
    const m = createPartitionCluster({ seed: 3, quorum: true })
    m.advance(100)
    m.partition()
    m.advance(600)
    expect(m.primaries().every((p) => m.side(p) === 0)).toBe(true)
    act(m, 'w')
    expect(entryNode(m, 1)).toBe(3)
    expect(act(m, 'w')).toMatch(/side B sends seat-12A = \w+ to node 3 \(follower, epoch \d+\): refused: node 3 is not a primary/)
  })

  it('w on a CRDT scenario adds a like; on the fencing scenario it writes to the shared disk with the node’s token', () => {
    const c = crdtScenario.create(7).live('merged')
    expect(act(c, 'w')).toMatch(/likes \+1 to node 0 \(follower, epoch 2\): refused/)
    expect(act(c, 'w')).toMatch(/likes \+1 to node 3 \(primary, epoch 2\): taken/)
    partitionWhatIf.advance(c, 30)
    expect(c.read(0, 'likes')).toBe(15)

    const f = fencingScenario.create(7).live('new-epoch')
    expect(act(f, 'w')).toMatch(/side A sends config = v2 to node 2 \(primary, epoch 2\): on its way to the shared disk with fencing token 2/)
    expect(act(f, 'w')).toMatch(/side B sends config = v3 to node 3 \(primary, epoch 1\): on its way to the shared disk with fencing token 1/)
    partitionWhatIf.advance(f, 30)
    expect(f.writes().slice(-2).map((w) => w.status)).toEqual(['ok', 'rejected'])
    expect(f.storage?.get('config')?.value).toBe('v2')
  })

  it('click powers a node off (STONITH by the other side’s primary) and back on as a follower', () => {
    const m = vectorClockScenario.create(7).live('concurrent-writes')
    expect(act(m, 'click', { node: 4 })).toBe('STONITH: node 4 is powered off through its power switch (by node 0).')
    expect(m.role(4)).toBe('stopped')
    expect(m.primaries()).toEqual([0])
    expect(m.trace.all().at(-1)).toMatchObject({ type: 'state', node: 4, field: 'role', value: 'stopped' })
    expect(act(m, 'click', { node: 4 })).toBe('Node 4 is powered back on as a follower in epoch 3.')
    expect(m.role(4)).toBe('follower')
    // Back on the network: it hears side B's silence, stands and (no quorum rule) leads side B again.
    m.advance(600)
    expect(m.primaries().some((p) => m.side(p) === 1)).toBe(true)
    expect(act(m, 'click', { node: 'disk' })).toBe('That is not a node.')
  })

  it('advance ignores a negative step (a live frame may report one) instead of throwing', () => {
    const m = splitBrainScenario.create(7).live('bounce')
    const before = m.now
    expect(() => partitionWhatIf.advance(m, -0.2)).not.toThrow()
    expect(m.now).toBe(before)
    partitionWhatIf.advance(m, 10)
    expect(m.now).toBe(before + 10)
  })

  it('a restarted node keeps its data and takes part again', () => {
    const m = createPartitionCluster({ seed: 5 })
    m.advance(100)
    m.write(0, 'k', 'x')
    m.advance(20)
    m.stonith(2)
    m.write(0, 'k', 'y')
    m.advance(20)
    expect(m.read(2, 'k')).toEqual(['x'])
    m.restart(2)
    m.restart(2)
    expect(m.role(2)).toBe('follower')
    m.write(0, 'k', 'z')
    m.advance(20)
    expect(m.read(2, 'k')).toEqual(['z'])
    expect(m.trace.all().filter((e) => e.type === 'fault' && e.action === 'restart')).toHaveLength(1)
  })

  it('live what-if runs stay deterministic: the same actions give the same trace', () => {
    const run = () => {
      const m = splitBrainScenario.create(7).live('bounce')
      act(m, 'w')
      partitionWhatIf.advance(m, 123.4)
      act(m, 'click', { node: 0 })
      partitionWhatIf.advance(m, 400)
      act(m, 'p')
      partitionWhatIf.advance(m, 100)
      return JSON.stringify(m.trace.all())
    }
    expect(run()).toBe(run())
  })
})
