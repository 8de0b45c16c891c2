import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CLIENT, createReplicationCluster, type ReplicationCluster, type ReplicationMode } from './cluster.ts'
import { hashTrace } from '../trace.ts'
import { SimArgumentError } from '../errors.ts'

/** A random workload: writes at random gaps, then the primary crashes at a random moment. */
const crashSchedule = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  lags: fc.tuple(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 80 })),
  gaps: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 15 }),
  crashAfter: fc.integer({ min: 0, max: 200 }),
  settle: fc.integer({ min: 0, max: 50 }),
})

function runCrash(mode: ReplicationMode, s: { seed: number; lags: [number, number]; gaps: number[]; crashAfter: number; settle: number }): ReplicationCluster {
  const m = createReplicationCluster({ mode, seed: s.seed, lagMs: s.lags })
  for (const [i, gap] of s.gaps.entries()) {
    m.write(`w${i + 1}`)
    m.advance(gap)
  }
  m.advance(s.crashAfter)
  m.crash(m.primary)
  m.advance(s.settle)
  m.failover()
  return m
}

describe('replication: durability on failover', () => {
  it('sync loses no acknowledged write, whatever the crash schedule', () => {
    fc.assert(fc.property(crashSchedule, (s) => {
      const m = runCrash('sync', s)
      expect(m.lostAcknowledged()).toEqual([])
      m.verify()
      m.advance(20)
      expect(m.writes().filter((w) => w.status === 'lost')).toEqual([])
    }), { numRuns: 150 })
  })

  it('semi-sync loses no acknowledged write while a replica acknowledges', () => {
    fc.assert(fc.property(crashSchedule, (s) => {
      const m = runCrash('semi-sync', s)
      // The crash comes long before the 10 s timeout, so semi-sync never fell back.
      expect(m.trace.all().some((e) => e.type === 'state' && e.field === 'semiSync')).toBe(false)
      expect(m.lostAcknowledged()).toEqual([])
    }), { numRuns: 150 })
  })

  it('async loses acknowledged writes when the primary dies with a backlog', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 30, max: 200 }), (seed, lag) => {
      const m = createReplicationCluster({ mode: 'async', seed, lagMs: [lag, lag + 20] })
      for (let i = 1; i <= 5; i++) {
        m.write(`w${i}`)
        m.advance(5)
      }
      m.runUntil(() => m.writes().every((w) => w.status === 'acked'))
      m.crash(0)
      const { lostAcknowledged, promoted } = m.failover()
      expect(lostAcknowledged.length).toBeGreaterThan(0)
      expect(m.writes().every((w) => w.status === 'acked')).toBe(true)
      // The client finds out when it reads back from the new primary.
      m.verify()
      m.advance(20)
      expect(m.writes().filter((w) => w.status === 'lost').map((w) => w.id)).toEqual(lostAcknowledged)
      expect(m.log(promoted).map((e) => e.write)).not.toContain(lostAcknowledged[0])
    }), { numRuns: 100 })
  })

  it('promotes the most up-to-date replica, and the others follow it', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 1, replicas: 3, lagMs: [60, 10, 120] })
    for (let i = 1; i <= 6; i++) {
      m.write(i)
      m.advance(10)
    }
    m.advance(20)
    const lens = [1, 2, 3].map((id) => m.log(id).length)
    m.crash(0)
    const rec = m.failover()
    expect(rec.promoted).toBe(2)
    expect(lens[1]).toBe(Math.max(...lens))
    m.advance(300)
    expect(m.log(1)).toEqual(m.log(2))
    expect(m.log(3)).toEqual(m.log(2))
    expect(m.role(2)).toBe('primary')
    // New writes go to the new primary.
    const w = m.write('after')
    m.runUntil(() => m.writes()[w - 1]!.status === 'acked')
    expect(m.writes()[w - 1]!.primary).toBe(2)
  })
})

describe('replication: latency, lag and semi-sync fallback', () => {
  it('write latency orders sync > semi-sync > async', () => {
    const mean = (mode: ReplicationMode) => {
      const m = createReplicationCluster({ mode, seed: 5, lagMs: [10, 50] })
      for (let i = 0; i < 20; i++) {
        m.write(i)
        m.advance(25)
      }
      m.advance(200)
      expect(m.latency().count).toBe(20)
      return m.latency().mean
    }
    const [sync, semi, async] = [mean('sync'), mean('semi-sync'), mean('async')]
    expect(sync).toBeGreaterThan(semi)
    expect(semi).toBeGreaterThan(async)
    expect(sync).toBeGreaterThan(50)
    expect(async).toBeLessThan(10)
  })

  it('shows replication lag per replica, in entries and ms', () => {
    const m = createReplicationCluster({ mode: 'async', seed: 2, lagMs: [5, 100] })
    m.write('a')
    m.advance(10)
    m.write('b')
    m.advance(20)
    expect(m.lag(1)).toEqual({ entries: 0, ms: 0 })
    expect(m.lag(2).entries).toBe(2)
    expect(m.lag(2).ms).toBeGreaterThan(25)
    expect(m.backlog(2)).toBe(2)
    m.advance(200)
    expect(m.lag(2)).toEqual({ entries: 0, ms: 0 })
  })

  it('semi-sync falls back to async after the timeout, visibly, and switches back on catch-up', () => {
    const m = createReplicationCluster({ mode: 'semi-sync', seed: 3, semiSync: { timeoutMs: 500 } })
    expect(m.semiSyncTimeoutMs).toBe(500)
    m.partition([[0, CLIENT], [1, 2]])
    const w = m.write('x')
    m.advance(499)
    expect(m.writes()[w - 1]!.status).toBe('pending')
    expect(m.semiSyncActive).toBe(true)
    m.advance(10)
    expect(m.semiSyncActive).toBe(false)
    expect(m.writes()[w - 1]!.status).toBe('acked')
    const fallback = m.trace.all().find((e) => e.type === 'state' && e.field === 'semiSync')
    expect(fallback).toMatchObject({ value: 'off', label: expect.stringContaining('falling back to async') })
    // While fallen back, writes are acknowledged at async speed.
    const fast = m.write('y')
    m.advance(10)
    expect(m.writes()[fast - 1]!.status).toBe('acked')
    m.heal()
    m.advance(200)
    expect(m.semiSyncActive).toBe(true)
    expect(m.trace.all().filter((e) => e.type === 'state' && e.field === 'semiSync').map((e) => e.type === 'state' && e.value)).toEqual(['off', 'on'])
  })

  it('defaults to 10 000 ms and one ack, and can wait for N of M', () => {
    const m = createReplicationCluster({ mode: 'semi-sync', seed: 1 })
    expect([m.semiSyncTimeoutMs, m.semiSyncAcks]).toEqual([10_000, 1])
    const two = createReplicationCluster({ mode: 'semi-sync', seed: 1, replicas: 3, lagMs: [5, 30, 200], semiSync: { acks: 2 } })
    const w = two.write('x')
    two.runUntil(() => two.writes()[w - 1]!.status === 'acked')
    // Acknowledged after the second-fastest replica (30 ms), not the fastest or the slowest.
    expect(two.latency().mean).toBeGreaterThan(30)
    expect(two.latency().mean).toBeLessThan(60)
  })
})

describe('replication: arguments and determinism', () => {
  it('names bad arguments', () => {
    expect(() => createReplicationCluster({ mode: 'eventual' as 'sync', seed: 1 })).toThrow(/mode: got "eventual", expected "sync", "async" or "semi-sync"/)
    expect(() => createReplicationCluster({ mode: 'sync', seed: 1, replicas: 9 })).toThrow(/replicas: got 9, expected an integer in 1..6/)
    expect(() => createReplicationCluster({ mode: 'sync', seed: 1, lagMs: [1, 2, 3] })).toThrow(/lagMs: got \[1,2,3\], expected one lag per replica \(2\)/)
    expect(() => createReplicationCluster({ mode: 'sync', seed: 1, lagMs: [1, -2] })).toThrow(SimArgumentError)
    expect(() => createReplicationCluster({ mode: 'semi-sync', seed: 1, semiSync: { acks: 3 } })).toThrow(/semiSync.acks: got 3, expected an integer in 1..2/)
    expect(() => createReplicationCluster({ mode: 'semi-sync', seed: 1, semiSync: { timeoutMs: 0 } })).toThrow(/semiSync.timeoutMs: got 0/)
    const m = createReplicationCluster({ mode: 'sync', seed: 1 })
    expect(() => m.crash(7)).toThrow(/node id: got 7, expected an integer in 0..2/)
    m.crash(1)
    m.crash(2)
    expect(() => m.failover()).toThrow(/failover\(\): got .*, expected a live replica to promote/)
  })

  it('same seed and same calls give the same trace', () => {
    const run = (seed: number) => {
      const m = createReplicationCluster({ mode: 'semi-sync', seed })
      for (let i = 0; i < 5; i++) {
        m.write(i)
        m.advance(7)
      }
      m.crash(0)
      m.failover()
      m.advance(100)
      return hashTrace(m.trace.all())
    }
    expect(run(9)).toBe(run(9))
    expect(run(9)).not.toBe(run(10))
  })
})
