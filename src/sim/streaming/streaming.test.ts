import { describe, expect, it } from 'vitest'
import type { ScenarioFactory } from '../scenario.ts'
import fc from 'fast-check'
import type { TraceEvent } from '../trace.ts'
import { checkScenarioContract } from '../mesh/scenario-contract.ts'
import {
  ASSIGNORS, PartitionLog, WorkQueue, allPartitions, assign, createStreaming, streamingScenarios,
  type Assignment, type AssignorName, type Delivery, type Streaming, type StreamingScenarioSnapshot, type TopicPartition,
} from './index.ts'

const name = (tp: TopicPartition): string => `${tp.topic}p${tp.partition}`
const names = (a: Assignment): Record<string, string[]> => Object.fromEntries(Object.entries(a).map(([m, tps]) => [m, tps.map(name)]))
const TWO_TOPICS = { t0: 3, t1: 3 }

describe('assignors (DESIGN.md §6)', () => {
  it('range: C0 [t0p0 t0p1 t1p0 t1p1], C1 [t0p2 t1p2]', () => {
    expect(names(assign('range', { members: ['C1', 'C0'], topics: TWO_TOPICS }))).toEqual({ C0: ['t0p0', 't0p1', 't1p0', 't1p1'], C1: ['t0p2', 't1p2'] })
  })
  it('round-robin: C0 [t0p0 t0p2 t1p1], C1 [t0p1 t1p0 t1p2]', () => {
    expect(names(assign('round-robin', { members: ['C0', 'C1'], topics: TWO_TOPICS }))).toEqual({ C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] })
  })
  it('sticky keeps every surviving placement when a member leaves, and stays balanced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (n, p0, p1, pick) => {
        const topics = { t0: p0, t1: p1 }
        const members = Array.from({ length: n }, (_, i) => `C${i}`)
        const before = assign('sticky', { members, topics, previous: assign('round-robin', { members, topics }) })
        const leaver = members[pick % n]!
        const after = assign('sticky', { members: members.filter((m) => m !== leaver), topics, previous: before })
        for (const m of members) if (m !== leaver) for (const tp of before[m]!) expect(after[m]!.map(name)).toContain(name(tp))
        const sizes = Object.values(after).map((x) => x.length)
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      }),
      { numRuns: 150 },
    )
    // The worked example: C0, C1, C2 on two topics of three; C1 leaves.
    const three = assign('sticky', { members: ['C0', 'C1', 'C2'], topics: TWO_TOPICS })
    const two = assign('sticky', { members: ['C0', 'C2'], topics: TWO_TOPICS, previous: three })
    for (const m of ['C0', 'C2']) expect(names(two)[m]).toEqual(expect.arrayContaining(names(three)[m]!))
  })
  it('every assignor gives each partition exactly one owner, for any members', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ASSIGNORS), fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1 }), fc.integer({ min: 1, max: 9 }), (assignor, members, p) => {
        const a = assign(assignor, { members, topics: { x: p, y: 2 } })
        const owned = Object.values(a).flat().map(name).sort()
        expect(owned).toEqual(allPartitions({ x: p, y: 2 }).map(name).sort())
      }),
      { numRuns: 100 },
    )
  })
})

describe('log, topics and producers', () => {
  it('appends with strictly increasing offsets; retention moves the start, never renumbers', () => {
    const log = new PartitionLog('t', 0)
    for (let i = 0; i < 5; i++) expect(log.append({ key: null, value: `v${i}`, id: `m${i}`, appendedAt: i * 100 }).offset).toBe(i)
    expect(log.applyRetention(350, 200)).toBe(2)
    expect(log.logStartOffset).toBe(2)
    expect(log.records().map((r) => r.offset)).toEqual([2, 3, 4])
    expect(log.append({ key: null, value: 'v5', id: 'm5', appendedAt: 400 }).offset).toBe(5)
    expect(() => log.read(1, 10)).toThrow(/read\(t-0, offset\): got 1, expected an offset in 2..6/)
  })
  it('sends a key to one partition always (key hash → partition), keyless records round robin', () => {
    const s = createStreaming({ seed: 1, topics: [{ name: 'orders', partitions: 4 }] })
    s.addProducer('shop')
    for (let i = 0; i < 40; i++) s.produce('shop', 'orders', `user-${i % 5}`, `o${i}`)
    for (let i = 0; i < 8; i++) s.produce('shop', 'orders', null, `k${i}`)
    s.advance(500)
    for (let p = 0; p < 4; p++) {
      const log = s.log('orders', p)
      log.forEach((r, i) => expect(r.offset).toBe(i))
      for (const r of log) if (r.key !== null) expect(s.partitionFor('orders', r.key)).toBe(p)
      expect(log.filter((r) => r.key === null)).toHaveLength(2)
    }
  })
  it('idempotent producers do not duplicate a retried record; plain retries do; fire-and-forget can lose', () => {
    const run = (delivery: Delivery) => {
      const s = createStreaming({ seed: 2, topics: [{ name: 't', partitions: 1 }] })
      s.addProducer('p', { delivery, ackTimeoutMs: 50 })
      s.produce('p', 't', 'k', 'v')
      // Cut the link just after the broker wrote the record, so its acknowledgement is lost.
      s.sched.runWhile(() => s.log('t', 0).length === 1, 100)
      s.setConnected('p', false)
      s.advance(30)
      s.setConnected('p', true)
      s.advance(500)
      return s.log('t', 0).map((r) => r.id)
    }
    expect(run('at-least-once')).toEqual(['p-1', 'p-1'])
    expect(run('exactly-once')).toEqual(['p-1'])
    const s = createStreaming({ seed: 3, topics: [{ name: 't', partitions: 1 }] })
    s.addProducer('p', { delivery: 'at-most-once' })
    s.setConnected('p', false)
    s.produce('p', 't', 'k', 'v')
    s.advance(100)
    s.setConnected('p', true)
    s.advance(500)
    expect(s.log('t', 0)).toHaveLength(0)
  })
})

const setup = (opts: { seed: number; delivery?: Delivery; assignor?: AssignorName; partitions?: number; records?: number }): Streaming => {
  const s = createStreaming({ seed: opts.seed, topics: [{ name: 'orders', partitions: opts.partitions ?? 4 }] })
  s.addProducer('shop', { delivery: opts.delivery ?? 'at-least-once' })
  s.addGroup('g', { topics: ['orders'], delivery: opts.delivery ?? 'at-least-once', assignor: opts.assignor ?? 'range', sessionTimeoutMs: 500, heartbeatMs: 100, fetchMaxWaitMs: 100, maxPollRecords: 4, processMs: 10, initialRebalanceDelayMs: 50 })
  for (let i = 0; i < (opts.records ?? 0); i++) s.produce('shop', 'orders', `k${i % 9}`, `v${i}`)
  return s
}

/** Every assignment the coordinator made, from the trace. */
const assignments = (events: readonly TraceEvent[]): Record<string, string[]>[] =>
  events.filter((e) => e.type === 'state' && e.field === 'assignment').map((e) => (e.type === 'state' ? (e.value as Record<string, string[]>) : {}))

describe('consumer groups', () => {
  it('rebalances on join and on leave at once, but on a crash only after the session timeout', () => {
    const s = setup({ seed: 4 })
    s.addConsumer('g', 'c1')
    s.advance(200)
    expect(s.assignment('g')).toEqual({ c1: ['orders-0', 'orders-1', 'orders-2', 'orders-3'] })
    s.addConsumer('g', 'c2')
    s.advance(50)
    expect(s.assignment('g')).toEqual({ c1: ['orders-0', 'orders-1'], c2: ['orders-2', 'orders-3'] })
    s.addConsumer('g', 'c3')
    s.advance(50)
    s.leave('c3')
    s.advance(50)
    expect(Object.keys(s.assignment('g'))).toEqual(['c1', 'c2'])
    s.crash('c2')
    s.advance(400)
    expect(Object.keys(s.assignment('g'))).toEqual(['c1', 'c2']) // not yet noticed
    s.advance(200)
    expect(s.assignment('g')).toEqual({ c1: ['orders-0', 'orders-1', 'orders-2', 'orders-3'] })
    const expired = s.trace.all().filter((e) => e.type === 'state' && e.field === 'member').map((e) => e.type === 'state' && `${e.node}:${e.value}`)
    expect(expired).toEqual(['c3:left', 'c2:expired'])
  })
  it('no partition is owned twice or left unowned after any rebalance (property)', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('join' as const) }),
      fc.record({ t: fc.constant('leave' as const), who: fc.nat() }),
      fc.record({ t: fc.constant('crash' as const), who: fc.nat() }),
      fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 700 }) }),
    )
    fc.assert(
      fc.property(fc.constantFrom(...ASSIGNORS), fc.integer(), fc.array(op, { maxLength: 25 }), (assignor, seed, ops) => {
        const s = setup({ seed, assignor, partitions: 5, records: 20 })
        const live: string[] = []
        let n = 0
        for (const o of ops) {
          if (o.t === 'join') {
            s.addConsumer('g', `c${++n}`)
            live.push(`c${n}`)
          } else if (o.t === 'wait') s.advance(o.ms)
          else if (live.length > 0) {
            const who = live.splice(o.who % live.length, 1)[0]!
            if (o.t === 'leave') s.leave(who)
            else s.crash(who)
          }
        }
        s.advance(2000)
        const all = ['orders-0', 'orders-1', 'orders-2', 'orders-3', 'orders-4']
        for (const a of assignments(s.trace.all())) {
          const owned = Object.values(a).flat().sort()
          if (Object.keys(a).length > 0) expect(owned).toEqual(all)
        }
        // Once things settle, the live members are exactly the group.
        expect(Object.keys(s.assignment('g')).sort()).toEqual([...live].sort())
      }),
      { numRuns: 120 },
    )
  })
  it('independent groups read the same topic at their own offsets; a consumer can replay from any offset', () => {
    const s = setup({ seed: 5, records: 24 })
    s.addGroup('slow', { topics: ['orders'], processMs: 50, maxPollRecords: 2, sessionTimeoutMs: 500, heartbeatMs: 100, initialRebalanceDelayMs: 50 })
    s.addConsumer('g', 'fast-1')
    s.addConsumer('slow', 'slow-1')
    s.advance(500)
    const fast = Object.values(s.committed('g')).reduce((a, x) => a + x, 0)
    const slow = Object.values(s.committed('slow')).reduce((a, x) => a + x, 0)
    expect(fast).toBe(24)
    expect(slow).toBeGreaterThan(0)
    expect(slow).toBeLessThan(fast)
    s.advance(3000)
    expect(s.stats('slow')).toMatchObject({ processed: 24, lost: 0, duplicated: 0 })
    // Replay partition 1 of group g from offset 2.
    const p1 = s.log('orders', 1).length
    s.seek('fast-1', 'orders', 1, 2)
    s.advance(500)
    expect(s.stats('g').processed).toBe(24 + p1 - 2)
    expect(s.output('g').slice(-(p1 - 2)).map((o) => o.offset)).toEqual(Array.from({ length: p1 - 2 }, (_, i) => i + 2))
    expect(() => s.seek('fast-1', 'orders', 1, 99)).toThrow(/seek offset: got 99, expected an offset still in the log, 0..\d+/)
    expect(() => s.seek('slow-1', 'orders', 7, 0)).toThrow(/partition of orders: got 7/)
  })
  it('retention deletes old records; a group that fell behind skips them (and they count as lost)', () => {
    const s = createStreaming({ seed: 6, topics: [{ name: 'logs', partitions: 1, retentionMs: 500 }], retentionCheckMs: 100 })
    s.addProducer('app')
    for (let i = 0; i < 10; i++) s.produce('app', 'logs', null, `line ${i}`)
    s.advance(700)
    s.addGroup('late', { topics: ['logs'], sessionTimeoutMs: 500, heartbeatMs: 100, initialRebalanceDelayMs: 10 })
    s.addConsumer('late', 'reader')
    for (let i = 10; i < 13; i++) s.produce('app', 'logs', null, `line ${i}`)
    s.advance(300)
    const snap = s.snapshot().topics[0]!.partitions[0]!
    expect(snap).toMatchObject({ logStartOffset: 10, logEndOffset: 13 })
    expect(snap.records.map((r) => r.offset)).toEqual([10, 11, 12])
    expect(s.stats('late')).toMatchObject({ produced: 13, processed: 3, lost: 10, duplicated: 0 })
  })
})

describe('delivery guarantees under random crashes', () => {
  /** Consumers crash at random moments mid-stream and come back later; then everything drains. */
  const chaos = (delivery: Delivery, seed: number, crashes: { at: number; who: number; downFor: number }[]) => {
    const s = setup({ seed, delivery, assignor: 'sticky', partitions: 3 })
    for (const id of ['c1', 'c2', 'c3']) s.addConsumer('g', id)
    for (let i = 0; i < 60; i++) s.sched.after(i * 8, () => s.produce('shop', 'orders', `k${i % 7}`, `v${i}`))
    for (const c of crashes) {
      s.sched.after(c.at, () => {
        const id = `c${(c.who % 3) + 1}`
        if (s.snapshot().groups[0]!.members.find((m) => m.id === id)!.alive) {
          s.crash(id)
          s.sched.after(c.downFor, () => s.restart(id))
        }
      })
    }
    s.advance(6000)
    return s
  }
  it('a consumer that restarts while its long poll is parked ignores that poll\'s late answer (found by the property below)', () => {
    // c3 crashes with a fetch parked at the broker and is back 11 ms later; a record then wakes
    // the parked fetch. Taking that reply would process offset 7 before the new assignment, then
    // again from the committed offset: a duplicate under at-most-once.
    const s = chaos('at-most-once', -1, [{ at: 429, who: 2, downFor: 11 }, { at: 50, who: 0, downFor: 10 }])
    expect(s.stats('g')).toMatchObject({ produced: 60, processed: 60, duplicated: 0, lost: 0 })
  })
  const crashArb = fc.array(fc.record({ at: fc.integer({ min: 50, max: 1500 }), who: fc.nat(), downFor: fc.integer({ min: 10, max: 1200 }) }), { minLength: 1, maxLength: 4 })
  it.each(['at-most-once', 'at-least-once', 'exactly-once'] as const)('%s keeps its promise', (delivery) => {
    const totals = { lost: 0, duplicated: 0 }
    fc.assert(
      fc.property(fc.integer(), crashArb, (seed, crashes) => {
        const s = chaos(delivery, seed, crashes)
        const st = s.stats('g')
        expect(st.produced).toBe(60)
        expect(st.pending).toBe(0)
        expect(st.lost + st.distinct).toBe(60)
        if (delivery !== 'at-least-once') expect(st.duplicated).toBe(0)
        if (delivery !== 'at-most-once') expect(st.lost).toBe(0)
        totals.lost += st.lost
        totals.duplicated += st.duplicated
        // Offsets: logs are contiguous and committed offsets never go back.
        for (let p = 0; p < 3; p++) s.log('orders', p).forEach((r, i) => expect(r.offset).toBe(i))
        const last = new Map<string, number>()
        for (const e of s.trace.all()) {
          if (e.type !== 'state' || e.field !== 'committed') continue
          for (const [tp, off] of Object.entries(e.value as Record<string, number>)) {
            expect(off).toBeGreaterThanOrEqual(last.get(tp) ?? 0)
            last.set(tp, off)
          }
        }
      }),
      { numRuns: 60 },
    )
    // The crashes really bite: the weaker guarantees did lose or duplicate somewhere.
    if (delivery === 'at-most-once') expect(totals.lost).toBeGreaterThan(0)
    if (delivery === 'at-least-once') expect(totals.duplicated).toBeGreaterThan(0)
  })
})

describe('queue mode', () => {
  it('competing consumers: each message to exactly one consumer, deleted on ack, nothing to replay', () => {
    const s = createStreaming({ seed: 7 })
    s.addQueue('tasks')
    s.addProducer('app')
    s.addQueueConsumer('w1', 'tasks', { processMs: 30 })
    s.addQueueConsumer('w2', 'tasks', { processMs: 30 })
    for (let i = 0; i < 10; i++) s.sched.after(i * 5, () => s.enqueue('app', 'tasks', `t${i}`))
    s.advance(1000)
    const q = s.snapshot().queues[0]!
    expect(q.counters).toEqual({ enqueued: 10, delivered: 10, acked: 10, redelivered: 0 })
    expect(q.ready).toEqual([])
    expect(q.unacked).toEqual([])
    const got = s.trace.all().filter((e) => e.type === 'deliver' && e.kind === 'message' && e.to !== 'broker')
    const taken = s.snapshot().queueConsumers.map((c) => c.processed)
    expect(taken.reduce((a, x) => a + x, 0)).toBe(10)
    expect(Math.min(...taken)).toBeGreaterThanOrEqual(4)
    expect(got.length).toBe(10)
  })
  it('redelivers a message whose visibility timeout passes without an ack', () => {
    const q = new WorkQueue('jobs')
    q.enqueue({ id: 'a', value: 'x', enqueuedAt: 0 })
    q.enqueue({ id: 'b', value: 'y', enqueuedAt: 0 })
    expect(q.take('w1', 100)!.id).toBe('a')
    expect(q.expire(99)).toEqual([])
    expect(q.expire(100).map((m) => m.id)).toEqual(['a'])
    expect(q.take('w2', 200)!.id).toBe('a')
    expect(q.ack('a')).toBe(true)
    expect(q.ack('a')).toBe(false)
    expect(q.view().counters).toEqual({ enqueued: 2, delivered: 2, acked: 1, redelivered: 1 })
  })
})

describe('arguments', () => {
  it('are checked and named', () => {
    const s = createStreaming({ seed: 1, topics: [{ name: 'orders', partitions: 2 }] })
    expect(() => s.addTopic({ name: 'orders', partitions: 1 })).toThrow(/topic name: got "orders", expected a topic not already created/)
    expect(() => s.addTopic({ name: 'x', partitions: 0 })).toThrow(/partitions of x: got 0, expected an integer in 1..1000/)
    expect(() => s.produce('nobody', 'orders', null, 'v')).toThrow(/producer: got "nobody", expected one of \(none: call addProducer first\)/)
    s.addProducer('p')
    expect(() => s.produce('p', 'nope', null, 'v')).toThrow(/topic: got "nope", expected one of orders/)
    expect(() => s.addProducer('q', { delivery: 'maybe' as Delivery })).toThrow(/delivery: got "maybe", expected at-most-once, at-least-once, exactly-once/)
    expect(() => s.addGroup('g', { topics: [] })).toThrow(/topics: got \[\], expected a non-empty list of topic names/)
    expect(() => s.addGroup('g', { topics: ['orders'], assignor: 'fair' as AssignorName })).toThrow(/assignor: got "fair", expected one of range, round-robin, sticky/)
    expect(() => s.addConsumer('nope', 'c')).toThrow(/group: got "nope"/)
    s.addGroup('g', { topics: ['orders'] })
    expect(() => s.addConsumer('g', 'p')).toThrow(/id: got "p", expected a new name/)
    s.addConsumer('g', 'c')
    expect(() => s.restart('c')).toThrow(/restart\(consumer\): got "c", expected a crashed consumer/)
    expect(() => assign('fair' as AssignorName, { members: ['a'], topics: { t: 1 } })).toThrow(/assignor: got "fair"/)
  })
})

const states = (scenario: string, seed = 7): Record<string, StreamingScenarioSnapshot> => {
  const sc = streamingScenarios.find((x) => x.name === scenario)!.create(seed)
  return Object.fromEntries(sc.checkpoints.map((c) => [c, sc.stateAt(c)]))
}

describe('streaming scenarios', () => {
  it('have exactly the checkpoints the slides use', () => {
    // They fit the deck's catalog as plain ScenarioFactory values (checked by tsc).
    const asCatalog: readonly ScenarioFactory[] = streamingScenarios
    expect(asCatalog).toHaveLength(streamingScenarios.length)
    expect(Object.fromEntries(streamingScenarios.map((s) => [s.name, s.checkpoints]))).toEqual({
      produce: ['start', 'produce', 'partitioned', 'appended'],
      'consumer-groups': ['start', 'assign', 'consume', 'second-group'],
      rebalance: ['start', 'crash', 'session-timeout', 'rebalanced'],
      'delivery-guarantees': ['start', 'at-most-once', 'at-least-once', 'exactly-once'],
      'queue-vs-stream': ['start', 'queue', 'ack-deletes', 'stream-replay'],
    })
    for (const s of streamingScenarios) expect(s.kind).toBe('streaming')
  })
  it('keep the scenario contract: deterministic, seekable both ways, JSON, distinct narration', () => {
    for (const f of streamingScenarios) expect(checkScenarioContract(f)).toEqual([])
  })
  it('produce: records on the wire, then on the partition their key hashes to, then appended with offsets', () => {
    const s = states('produce')
    const total = (k: string) => s[k]!.topics[0]!.partitions.reduce((a, p) => a + p.logEndOffset, 0)
    expect(total('produce')).toBe(0)
    expect(s.produce!.inFlight.filter((f) => f.kind === 'produce')).toHaveLength(4)
    expect(total('partitioned')).toBe(4)
    expect(total('appended')).toBe(12)
    const keyParts = new Map<string, Set<number>>()
    for (const p of s.appended!.topics[0]!.partitions) {
      p.records.forEach((r, i) => expect(r.offset).toBe(i))
      for (const r of p.records) keyParts.set(r.key!, (keyParts.get(r.key!) ?? new Set()).add(p.partition))
    }
    for (const parts of keyParts.values()) expect(parts.size).toBe(1)
    expect(s.appended!.producers[0]).toMatchObject({ sent: 12, acked: 12, pending: 0 })
  })
  it('consumer-groups: one owner per partition, commits advance, a second group lags independently', () => {
    const s = states('consumer-groups')
    const billing = (k: string) => s[k]!.groups.find((g) => g.name === 'billing')!
    expect(billing('assign').members.map((m) => m.partitions)).toEqual([['orders-0', 'orders-1'], ['orders-2', 'orders-3']])
    expect(Object.values(billing('assign').committed).every((x) => x === 0)).toBe(true)
    const consumed = Object.values(billing('consume').committed).reduce((a, x) => a + x, 0)
    expect(consumed).toBeGreaterThanOrEqual(12)
    expect(consumed).toBeLessThan(32)
    const analytics = s['second-group']!.groups.find((g) => g.name === 'analytics')!
    const a = Object.values(analytics.committed).reduce((x, y) => x + y, 0)
    const b = Object.values(billing('second-group').committed).reduce((x, y) => x + y, 0)
    expect(a).toBeGreaterThan(0)
    expect(a).toBeLessThan(b)
    expect(billing('second-group').stats).toMatchObject({ lost: 0, duplicated: 0 })
  })
  it('rebalance: a crash, the session timeout removes the member, survivors keep theirs and take the orphans', () => {
    const s = states('rebalance')
    const g = (k: string) => s[k]!.groups[0]!
    const dead = g('crash').members.find((m) => !m.alive)!
    expect(dead.id).toBe('consumer-2')
    expect(dead.partitions.length).toBe(2)
    expect(g('session-timeout').generation).toBe(g('crash').generation + 1)
    expect(g('session-timeout').members.find((m) => m.id === 'consumer-2')!.partitions).toEqual([])
    expect(s['session-timeout']!.inFlight.some((f) => f.kind === 'assign')).toBe(true)
    const before = g('crash').members
    for (const m of g('rebalanced').members.filter((x) => x.alive)) {
      expect(m.generation).toBe(g('rebalanced').generation)
      expect(m.partitions).toEqual(expect.arrayContaining([...before.find((x) => x.id === m.id)!.partitions]))
    }
    expect(g('rebalanced').members.flatMap((m) => m.partitions).sort()).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3', 'orders-4', 'orders-5'])
    for (const tp of dead.partitions) expect(g('rebalanced').committed[tp]).toBeGreaterThan(g('crash').committed[tp]!)
  })
  it('delivery-guarantees: at-most-once loses, at-least-once duplicates, exactly-once neither', () => {
    const s = states('delivery-guarantees')
    const stats = (k: string) => s[k]!.groups.find((g) => g.delivery === k)!.stats
    expect(stats('at-most-once')).toMatchObject({ produced: 40, lost: 3, duplicated: 0 })
    expect(stats('at-least-once')).toMatchObject({ produced: 40, lost: 0, duplicated: 2 })
    expect(stats('exactly-once')).toMatchObject({ produced: 40, lost: 0, duplicated: 0 })
  })
  it('queue-vs-stream: competing workers, acks delete, the stream replays what the queue cannot', () => {
    const s = states('queue-vs-stream')
    const q = (k: string) => s[k]!.queues[0]!
    expect(q('queue').unacked.map((m) => m.consumer).sort()).toEqual(['worker-1', 'worker-2'])
    expect(q('ack-deletes')).toMatchObject({ ready: [], unacked: [], counters: { acked: 6 } })
    expect(s['ack-deletes']!.topics[0]!.partitions[0]!.logEndOffset).toBe(6)
    const g = s['stream-replay']!.groups[0]!
    expect(g.stats).toMatchObject({ processed: 12, distinct: 6 })
    expect(q('stream-replay').counters.delivered).toBe(6)
  })
})
