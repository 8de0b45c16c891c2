import { defineScenario, type Scenario, type ScenarioFactory } from '../scenario.ts'
import { createPartitionCluster, type PartitionCluster, type PartitionOptions } from './cluster.ts'
import { snapshotPartition, type PartitionSnapshot } from './snapshot.ts'
import { describePartition } from './describe.ts'
import { partitionWhatIf } from './what-if.ts'

export const DEFAULT_SEED = 7

/** A factory whose `create()` without a seed uses 7, the deck's usual `<Scene seed={7}>`. */
export type SeededFactory<S, M> = ScenarioFactory<S, M> & { create(seed?: number): Scenario<S, M> }

function withDefaultSeed<S, M>(factory: ScenarioFactory<S, M>): SeededFactory<S, M> {
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
}

type Script = (m: PartitionCluster, mark: (name: string) => void) => void

function scenario(name: string, title: string, checkpoints: readonly string[], opts: Omit<PartitionOptions, 'seed'>, script: Script): SeededFactory<PartitionSnapshot, PartitionCluster> {
  return withDefaultSeed(defineScenario<PartitionCluster, PartitionSnapshot>({
    kind: 'partition', name, title, checkpoints,
    setup: (seed) => createPartitionCluster({ ...opts, seed }),
    script,
    snapshot: snapshotPartition,
    time: (m) => m.now,
    trace: (m) => m.trace.all(),
    describe: describePartition,
    whatIf: partitionWhatIf,
  }))
}

const twoPrimaries = (m: PartitionCluster): boolean => m.primaries().length === 2

/** Partition, let the side without a primary elect one (no quorum rule), then write on both sides. */
function splitAndWrite(m: PartitionCluster, write: (m: PartitionCluster, left: number, right: number) => void): void {
  m.advance(120)
  m.partition()
  m.runUntil(() => twoPrimaries(m))
  m.advance(30)
  const [left, right] = m.primaries() as [number, number]
  write(m, left, right)
  m.advance(30)
}

function healAndSettle(m: PartitionCluster, mark: (name: string) => void, names: readonly [string, string]): void {
  m.heal()
  m.advance(3)
  mark(names[0])
  // Converged: every live node reads the same for every key (siblings included).
  const converged = () => m.keys().every((k) => new Set(Array.from({ length: m.size }, (_, id) => id).filter((id) => m.role(id) !== 'stopped').map((id) => JSON.stringify(m.read(id, k)))).size === 1)
  m.runUntil(converged, 2000)
  m.advance(60)
  mark(names[1])
}

/** `split-brain`: no quorum rule, so the cut-off side elects a second primary and both take writes. */
export const splitBrainScenario = scenario('split-brain', 'Split-brain: two primaries, conflicting writes', ['partition', 'bounce', 'two-primaries', 'conflict'],
  { quorum: false },
  (m, mark) => {
    m.advance(120)
    m.write(0, 'seat-12A', 'free')
    m.advance(40)
    m.partition()
    mark('partition')
    m.runUntil(() => m.trace.all().some((e) => e.type === 'drop' && e.reason === 'partition' && e.kind === 'heartbeat'))
    m.advance(10)
    mark('bounce')
    m.runUntil(() => twoPrimaries(m))
    m.advance(10)
    mark('two-primaries')
    const [left, right] = m.primaries() as [number, number]
    m.write(left, 'seat-12A', 'alice')
    m.write(right, 'seat-12A', 'bob')
    m.advance(30)
    mark('conflict')
  })

/** `fencing`: the old primary is cut off on the minority side; the majority moves to epoch 2, the disk rejects token 1, then STONITH. */
export const fencingScenario = scenario('fencing', 'Fencing tokens and STONITH', ['partition', 'new-epoch', 'stale-rejected', 'stonith'],
  { quorum: true, fencing: true, data: 'shared-disk', primary: 3 },
  (m, mark) => {
    m.advance(100)
    m.write(3, 'config', 'v1')
    m.advance(30)
    m.partition()
    m.advance(20)
    mark('partition')
    m.runUntil(() => m.primaries().some((id) => m.side(id) === 0) && (m.storage?.highest ?? 0) > 1)
    m.advance(10)
    mark('new-epoch')
    // Node 3 never heard of epoch 2: it still believes it is primary and writes with token 1.
    const stale = m.write(3, 'config', 'v2-stale')
    m.runUntil(() => m.writes()[stale - 1]!.status !== 'pending')
    mark('stale-rejected')
    const leader = m.primaries().find((id) => m.side(id) === 0)!
    m.stonith(3, leader)
    m.write(leader, 'config', 'v2')
    m.advance(30)
    mark('stonith')
  })

/** `lww`: both sides write the same key; on heal the higher timestamp wins and the other write is discarded. */
export const lwwScenario = scenario('lww', 'Conflict resolution: last-writer-wins', ['concurrent-writes', 'heal', 'resolved'],
  { resolution: 'lww' },
  (m, mark) => {
    splitAndWrite(m, (c, left, right) => {
      c.write(left, 'seat-12A', 'alice')
      c.advance(4)
      c.write(right, 'seat-12A', 'bob')
    })
    mark('concurrent-writes')
    healAndSettle(m, mark, ['heal', 'resolved'])
  })

/** `vector-clocks`: the same writes, but the clocks show them concurrent and both survive as siblings. */
export const vectorClockScenario = scenario('vector-clocks', 'Conflict resolution: vector clocks keep siblings', ['concurrent-writes', 'heal', 'siblings'],
  { resolution: 'vector-clock' },
  (m, mark) => {
    splitAndWrite(m, (c, left, right) => {
      c.write(left, 'seat-12A', 'alice')
      c.advance(4)
      c.write(right, 'seat-12A', 'bob')
    })
    mark('concurrent-writes')
    healAndSettle(m, mark, ['heal', 'siblings'])
  })

/** `crdt`: a PN-Counter of likes and an OR-Set cart, updated on both sides, merge without conflict. */
export const crdtScenario = scenario('crdt', 'Conflict resolution: CRDTs merge', ['concurrent-updates', 'heal', 'merged'],
  { resolution: 'crdt' },
  (m, mark) => {
    m.advance(100)
    m.update(0, 'likes', { type: 'pn-counter', delta: 10 })
    m.update(0, 'cart', { type: 'or-set', add: 'pen' })
    splitAndWrite(m, (c, left, right) => {
      c.update(left, 'likes', { type: 'pn-counter', delta: 3 })
      c.update(left, 'cart', { type: 'or-set', remove: 'pen' })
      c.update(left, 'cart', { type: 'or-set', add: 'book' })
      c.update(right, 'likes', { type: 'pn-counter', delta: 2 })
      c.update(right, 'likes', { type: 'pn-counter', delta: -1 })
      c.update(right, 'cart', { type: 'or-set', add: 'pen' })
    })
    mark('concurrent-updates')
    healAndSettle(m, mark, ['heal', 'merged'])
  })

export const partitionScenarios: ScenarioFactory[] = [splitBrainScenario, fencingScenario, lwwScenario, vectorClockScenario, crdtScenario] as ScenarioFactory[]
