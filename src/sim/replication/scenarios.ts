import { defineScenario, type Scenario, type ScenarioFactory } from '../scenario.ts'
import { CLIENT, createReplicationCluster, type ReplicationCluster, type ReplicationOptions } from './cluster.ts'
import { snapshotReplication, type ReplicationSnapshot } from './snapshot.ts'
import { describeReplication } from './describe.ts'
import { messagesInFlight } from '../inflight.ts'
import { replicationWhatIf } from './whatif.ts'

export const DEFAULT_SEED = 7

/** A factory whose `create()` without a seed uses 7, the deck's usual `<Scene seed={7}>`. */
export type SeededFactory<S, M> = ScenarioFactory<S, M> & { create(seed?: number): Scenario<S, M> }

function withDefaultSeed<S, M>(factory: ScenarioFactory<S, M>): SeededFactory<S, M> {
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
}

type Script = (m: ReplicationCluster, mark: (name: string) => void) => void

function scenario(name: string, title: string, checkpoints: readonly string[], opts: Omit<ReplicationOptions, 'seed'>, script: Script): SeededFactory<ReplicationSnapshot, ReplicationCluster> {
  return withDefaultSeed(defineScenario<ReplicationCluster, ReplicationSnapshot>({
    kind: 'replication', name, title, checkpoints,
    setup: (seed) => createReplicationCluster({ ...opts, seed }),
    script,
    snapshot: snapshotReplication,
    time: (m) => m.now,
    trace: (m) => m.trace.all(),
    describe: describeReplication,
    whatIf: replicationWhatIf,
  }))
}

const inFlight = (m: ReplicationCluster, kind: string): boolean => messagesInFlight(m.trace.all()).some((f) => f.kind === kind)
const status = (m: ReplicationCluster, id: number) => m.writes()[id - 1]!.status
const lsnOf = (m: ReplicationCluster, id: number) => m.writes()[id - 1]!.lsn

/** `sync`: the client waits until every replica holds the write. */
export const syncScenario = scenario('sync', 'Synchronous replication: wait for every replica', ['write', 'replicate', 'all-acks', 'committed'],
  { mode: 'sync', lagMs: [8, 20] },
  (m, mark) => {
    const w = m.write('w1')
    m.advance(0.5)
    mark('write')
    m.runUntil(() => inFlight(m, 'replicate'))
    mark('replicate')
    m.runUntil(() => inFlight(m, 'write-ok'))
    mark('all-acks')
    m.runUntil(() => status(m, w) === 'acked')
    mark('committed')
  })

/** `async`: the client hears back at once; the replicas catch up later, the far one last. */
export const asyncScenario = scenario('async', 'Asynchronous replication: acknowledge first, copy later', ['write', 'ack', 'lag'],
  { mode: 'async', lagMs: [10, 120] },
  (m, mark) => {
    const w = m.write('w1')
    m.advance(0.5)
    mark('write')
    m.runUntil(() => status(m, w) === 'acked')
    mark('ack')
    for (let i = 2; i <= 5; i++) {
      m.advance(15)
      m.write(`w${i}`)
    }
    m.advance(40)
    mark('lag')
  })

/** `semi-sync`: wait for one replica; when none answers for the timeout, fall back to async. */
export const semiSyncScenario = scenario('semi-sync', 'Semi-synchronous replication: wait for one replica, with a timeout', ['write', 'one-ack', 'committed', 'fallback'],
  { mode: 'semi-sync', lagMs: [8, 60] },
  (m, mark) => {
    const w = m.write('w1')
    m.runUntil(() => lsnOf(m, w) !== null)
    mark('write')
    m.runUntil(() => inFlight(m, 'write-ok'))
    mark('one-ack')
    m.runUntil(() => status(m, w) === 'acked')
    mark('committed')
    m.advance(200)
    // The replicas' network goes away: no acks can come back.
    m.partition([[0, CLIENT], [1, 2]])
    const w2 = m.write('w2')
    m.runUntil(() => status(m, w2) === 'acked')
    mark('fallback')
  })

/** `failover`: an async primary dies with unreplicated acknowledged writes; promotion loses them. */
export const failoverScenario = scenario('failover', 'Failover: promote the most up-to-date replica, count what was lost', ['writes', 'lag', 'crash', 'promote', 'lost'],
  { mode: 'async', lagMs: [20, 90] },
  (m, mark) => {
    for (let i = 1; i <= 3; i++) {
      m.write(`w${i}`)
      m.advance(10)
    }
    m.runUntil(() => m.writes().every((w) => w.status === 'acked'))
    mark('writes')
    m.advance(150)
    for (let i = 4; i <= 7; i++) {
      m.write(`w${i}`)
      m.advance(8)
    }
    m.runUntil(() => m.writes().every((w) => w.status === 'acked'))
    mark('lag')
    m.crash(0)
    m.advance(5)
    mark('crash')
    m.failover()
    mark('promote')
    m.verify()
    m.runUntil(() => m.writes().some((w) => w.status === 'lost'), 1000)
    m.advance(150)
    mark('lost')
  })

export const replicationScenarios: ScenarioFactory[] = [syncScenario, asyncScenario, semiSyncScenario, failoverScenario] as ScenarioFactory[]
