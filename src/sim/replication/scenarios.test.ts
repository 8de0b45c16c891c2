import { describe, expect, it } from 'vitest'
import { asyncScenario, failoverScenario, replicationScenarios, semiSyncScenario, syncScenario } from './scenarios.ts'
import { snapshotReplication, type ReplicationSnapshot } from './snapshot.ts'
import { hashTrace } from '../trace.ts'
import type { ScenarioFactory } from '../scenario.ts'
import type { ReplicationCluster } from './cluster.ts'

const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

describe('replication scenarios', () => {
  it('lists the scenarios with exactly the named checkpoints, seed 7 by default', () => {
    expect(Object.fromEntries(replicationScenarios.map((f) => [f.name, [f.kind, ...f.checkpoints]]))).toEqual({
      sync: ['replication', 'start', 'write', 'replicate', 'all-acks', 'committed'],
      async: ['replication', 'start', 'write', 'ack', 'lag'],
      'semi-sync': ['replication', 'start', 'write', 'one-ack', 'committed', 'fallback'],
      failover: ['replication', 'start', 'writes', 'lag', 'crash', 'promote', 'lost'],
    })
    expect([syncScenario, asyncScenario, semiSyncScenario, failoverScenario].map((f) => f.create().seed)).toEqual([7, 7, 7, 7])
  })

  for (const factory of replicationScenarios as ScenarioFactory<ReplicationSnapshot, ReplicationCluster>[]) {
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
        for (const n of [...names].reverse()) expect(plain(snapshotReplication(replayed.live(n)))).toEqual(plain(replayed.stateAt(n)))
        for (const s of forward) expect(plain(s)).toEqual(s)
        expect(new Set(forward.map((s) => backward.describe(s))).size).toBe(names.length)
      })
    })
  }

  it('sync: write → replicate → all-acks → committed', () => {
    const sc = syncScenario.create(7)
    const write = sc.stateAt('write')
    expect(write.inFlight.map((f) => f.kind)).toEqual(['write'])
    const rep = sc.stateAt('replicate')
    expect(rep.inFlight.some((f) => f.kind === 'replicate')).toBe(true)
    expect(rep.writes[0]!.status).toBe('pending')
    const acks = sc.stateAt('all-acks')
    expect(acks.nodes.every((n) => n.lsn === 1)).toBe(true)
    expect(acks.writes[0]!.status).toBe('pending')
    expect(acks.inFlight.map((f) => f.kind)).toEqual(['write-ok'])
    const done = sc.stateAt('committed')
    expect(done.writes[0]!.status).toBe('acked')
    expect(done.writes[0]!.latencyMs).toBeGreaterThan(20)
  })

  it('async: the client is acknowledged before any replica has the write, then replicas lag', () => {
    const sc = asyncScenario.create(7)
    expect(sc.stateAt('write').writes[0]!.status).toBe('pending')
    const ack = sc.stateAt('ack')
    expect(ack.writes[0]!.status).toBe('acked')
    expect(ack.nodes.filter((n) => n.role === 'replica').every((n) => n.lsn === 0)).toBe(true)
    const lag = sc.stateAt('lag')
    expect(lag.nodes[2]!.lag.entries).toBeGreaterThanOrEqual(3)
    expect(lag.nodes[2]!.lag.ms).toBeGreaterThan(50)
    expect(lag.nodes[1]!.lag.entries).toBeLessThan(lag.nodes[2]!.lag.entries)
  })

  it('semi-sync: one ack commits; with no replica reachable it falls back after the timeout', () => {
    const sc = semiSyncScenario.create(7)
    expect(sc.stateAt('write').writes[0]!.status).toBe('pending')
    const one = sc.stateAt('one-ack')
    expect(one.nodes.filter((n) => n.role === 'replica' && n.lsn === 1)).toHaveLength(1)
    expect(one.inFlight.map((f) => f.kind)).toContain('write-ok')
    const committed = sc.stateAt('committed')
    expect(committed.writes[0]!.status).toBe('acked')
    expect(committed.nodes[2]!.lag.entries).toBe(1)
    expect(committed.semiSync!.active).toBe(true)
    const fallback = sc.stateAt('fallback')
    expect(fallback.semiSync!.active).toBe(false)
    expect(fallback.writes.at(-1)!.status).toBe('acked')
    expect(sc.timeOf('fallback') - sc.timeOf('committed')).toBeGreaterThanOrEqual(10_000)
    expect(sc.eventsBetween('committed', 'fallback').some((e) => e.type === 'state' && e.field === 'semiSync' && e.value === 'off')).toBe(true)
  })

  it('failover: lagging replicas, crash, promotion of the most up-to-date, lost writes counted', () => {
    const sc = failoverScenario.create(7)
    expect(sc.stateAt('writes').counters.acked).toBe(3)
    const lag = sc.stateAt('lag')
    expect(lag.nodes.filter((n) => n.role === 'replica').every((n) => n.lag.entries > 0)).toBe(true)
    const crash = sc.stateAt('crash')
    expect(crash.nodes[0]!.alive).toBe(false)
    const promote = sc.stateAt('promote')
    const best = Math.max(...crash.nodes.slice(1).map((n) => n.lsn))
    expect(promote.nodes[promote.primary]!.lsn).toBe(best)
    expect(promote.failover!.lostAcknowledged.length).toBeGreaterThan(0)
    expect(promote.counters.lost).toBe(0)
    const lost = sc.stateAt('lost')
    expect(lost.counters.lost).toBe(promote.failover!.lostAcknowledged.length)
    expect(lost.writes.filter((w) => w.status === 'lost').map((w) => w.id)).toEqual(promote.failover!.lostAcknowledged)
  })
})
