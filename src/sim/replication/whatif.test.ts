import { describe, expect, it } from 'vitest'
import { createReplicationCluster, type ReplicationCluster } from './cluster.ts'
import { asyncScenario, failoverScenario, replicationScenarios, semiSyncScenario, syncScenario } from './scenarios.ts'
import { FAILOVER_DETECT_MS, LAG_STEP_MS, QUIET_FAST_FORWARD, quiet, replicationWhatIf } from './whatif.ts'
import type { ScenarioFactory } from '../scenario.ts'
import type { ReplicationSnapshot } from './snapshot.ts'

const action = (trigger: string) => replicationWhatIf.actions.find((a) => a.trigger === trigger)!
const click = (m: ReplicationCluster, node: number) => action('click').run(m, { node })
const settle = (m: ReplicationCluster, ms = 500) => m.advance(ms)

describe('replication what-if', () => {
  it('every scenario offers the same actions: click, w, g, p', () => {
    for (const f of replicationScenarios as ScenarioFactory<ReplicationSnapshot, ReplicationCluster>[]) {
      expect(f.create(7).whatIf?.actions.map((a) => a.trigger)).toEqual(['click', 'w', 'g', 'p'])
    }
    for (const a of replicationWhatIf.actions) expect(a.label.length).toBeGreaterThan(10)
  })

  it('w sends a client write to the primary, and it is acknowledged', () => {
    const sc = asyncScenario.create(7)
    const m = sc.live('lag')
    const before = sc.snapshotOf(m).counters.writes
    expect(action('w').run(m)).toMatch(/client sends write 6 to the primary, node 0/)
    settle(m)
    const after = sc.snapshotOf(m)
    expect(after.counters.writes).toBe(before + 1)
    expect(after.writes.at(-1)).toMatchObject({ id: 6, status: 'acked' })
    expect(after.nodes[0]!.log.at(-1)).toBe(6)
  })

  it('click crashes a replica; in sync mode writes then wait until it restarts and catches up', () => {
    const sc = syncScenario.create(7)
    const m = sc.live('committed')
    expect(click(m, 2)).toMatch(/Replica 2 crashes\. Synchronous writes now wait/)
    expect(m.isAlive(2)).toBe(false)
    action('w').run(m)
    settle(m, 2000)
    expect(m.writes().at(-1)!.status).toBe('pending')
    expect(click(m, 2)).toMatch(/Node 2 restarts as a replica of node 0; it catches up/)
    expect(m.isAlive(2)).toBe(true)
    settle(m)
    expect(m.writes().at(-1)!.status).toBe('acked')
    expect(m.log(2)).toEqual(m.log(0))
  })

  it('clicking the primary crashes it, fails over after the detector delay, and the client finds its lost writes', () => {
    const sc = failoverScenario.create(7)
    const m = sc.live('lag')
    expect(click(m, 0)).toMatch(/Primary node 0 crashes; 2 s later a failover promotes the most up-to-date live replica/)
    expect(m.primary).toBe(0)
    m.advance(FAILOVER_DETECT_MS - 1)
    expect(m.primary).toBe(0)
    m.advance(2)
    expect(m.primary).toBe(1)
    settle(m)
    const snap = sc.snapshotOf(m)
    expect(snap.failover!.lostAcknowledged).toEqual([6, 7])
    expect(snap.writes.filter((w) => w.status === 'lost').map((w) => w.id)).toEqual([6, 7])
  })

  it('the old primary restarts as a replica and discards the writes the new primary never had', () => {
    const sc = failoverScenario.create(7)
    const m = sc.live('lost')
    expect(m.log(0).map((e) => e.write)).toEqual([1, 2, 3, 4, 5, 6, 7])
    action('w').run(m)
    settle(m)
    expect(click(m, 0)).toMatch(/Node 0 restarts as a replica of node 1 and discards 2 entries the primary never had/)
    settle(m)
    expect(m.role(0)).toBe('replica')
    expect(m.log(0).map((e) => e.write)).toEqual([1, 2, 3, 4, 5, 8])
    expect(m.log(0)).toEqual(m.log(1))
  })

  it('a primary restarted before the failover fires stays primary and nothing is promoted', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 3 })
    m.write('a')
    m.advance(5)
    click(m, 0)
    expect(click(m, 0)).toMatch(/Node 0 restarts before any failover and carries on as primary/)
    settle(m, FAILOVER_DETECT_MS + 500)
    expect(m.primary).toBe(0)
    expect(m.lastFailover()).toBeNull()
    expect(m.log(2)).toEqual(m.log(0))
  })

  it('no failover when no replica is alive', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 3 })
    click(m, 1)
    click(m, 2)
    click(m, 0)
    settle(m, FAILOVER_DETECT_MS + 500)
    expect(m.primary).toBe(0)
    expect(m.lastFailover()).toBeNull()
  })

  it('g slows the fastest live replica link, so the next press slows the other', () => {
    const sc = semiSyncScenario.create(7)
    const m = sc.live('committed')
    expect([m.lagMs[1], m.lagMs[2]]).toEqual([8, 60])
    expect(action('g').run(m)).toMatch(new RegExp(`replica 1 now holds each entry ${8 + LAG_STEP_MS} ms`))
    expect(action('g').run(m)).toMatch(new RegExp(`replica 2 now holds each entry ${60 + LAG_STEP_MS} ms`))
    // Semi-sync now waits for the faster of two slow links: latency grows past 100 ms.
    const w = m.write('slow')
    m.runUntil(() => m.writes()[w - 1]!.status === 'acked')
    expect(m.writes()[w - 1]!.ackedAt! - m.writes()[w - 1]!.invokedAt).toBeGreaterThan(100)
    expect(sc.snapshotOf(m).nodes[1]!.linkLagMs).toBe(8 + LAG_STEP_MS)
  })

  it('p cuts the replicas off (semi-sync then falls back after its timeout) and heals', () => {
    const sc = semiSyncScenario.create(7)
    const m = sc.live('committed')
    expect(action('p').run(m)).toMatch(/replicas are cut off from primary node 0/)
    expect(sc.snapshotOf(m).partition).toEqual([[0, 'client'], [1, 2]])
    const w = m.write('cut')
    m.advance(9000)
    expect(m.writes()[w - 1]!.status).toBe('pending')
    m.advance(1100)
    expect(m.semiSyncActive).toBe(false)
    expect(m.writes()[w - 1]!.status).toBe('acked')
    expect(action('p').run(m)).toMatch(/network heals/)
    settle(m)
    expect(sc.snapshotOf(m).partition).toBeNull()
    expect(m.semiSyncActive).toBe(true)
    expect(m.log(2)).toEqual(m.log(0))
  })

  it('advance plays quiet stretches fast and busy ones at the given pace', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 3, lagMs: [50, 50] })
    expect(quiet(m)).toBe(true)
    replicationWhatIf.advance(m, 1)
    expect(m.now).toBe(QUIET_FAST_FORWARD)
    m.write('a')
    expect(quiet(m)).toBe(false)
    const t = m.now
    replicationWhatIf.advance(m, 1)
    expect(m.now).toBe(t + 1)
    expect(replicationWhatIf.speed).toBeGreaterThan(0)
  })

  it('fast-forwards a quiet stretch only up to the event that makes the cluster busy again', () => {
    const m = createReplicationCluster({ mode: 'sync', seed: 3, lagMs: [8, 20] })
    m.write('a')
    // The write is on the wire: normal pace until it lands.
    while (!quiet(m)) replicationWhatIf.advance(m, 0.5)
    // Quiet during the primary's 1 ms local commit; the commit queues entries for the replicas.
    const t = m.now
    replicationWhatIf.advance(m, 1)
    expect(m.now).toBeLessThan(t + 2)
    expect(quiet(m)).toBe(false)
    expect(m.writes()[0]!.status).toBe('pending')
  })

  it('ignores an empty or negative time slice', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 3 })
    replicationWhatIf.advance(m, -0.03)
    replicationWhatIf.advance(m, 0)
    expect(m.now).toBe(0)
  })

  it('a click on something that is not a node changes nothing', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 3 })
    expect(action('click').run(m, { node: 'client' })).toMatch(/not a database node/)
    expect(action('click').run(m, {})).toMatch(/not a database node/)
    expect([0, 1, 2].every((id) => m.isAlive(id))).toBe(true)
  })
})
