import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Random } from './random.ts'
import { Scheduler } from './scheduler.ts'
import { Network, UNRELIABLE_LINK } from './network.ts'
import { Trace, hashTrace } from './trace.ts'
import { defineScenario } from './scenario.ts'

describe('Random', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43)
    const xs = Array.from({ length: 5 }, () => a.nextUint32())
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs)
  })
  it('stays in range and is roughly uniform', () => {
    const r = new Random(1)
    const buckets = new Array(10).fill(0)
    for (let i = 0; i < 100_000; i++) {
      const x = r.next()
      expect(x >= 0 && x < 1).toBe(true)
      buckets[Math.floor(x * 10)]++
    }
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500)
  })
  it('rejects a non-finite seed', () => {
    expect(() => new Random(Number.NaN)).toThrow(/seed: got NaN, expected a finite number/)
  })
})

describe('Scheduler', () => {
  it('orders by time, then by insertion at equal times', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (delays) => {
      const s = new Scheduler()
      const ran: [number, number][] = []
      delays.forEach((d, i) => s.after(d, () => ran.push([s.now, i])))
      s.runUntil(100)
      const expected = delays.map((d, i) => [d, i] as [number, number]).sort((x, y) => x[0] - y[0] || x[1] - y[1])
      expect(ran).toEqual(expected)
    }))
  })
  it('cancels timers and refuses the past and negative delays', () => {
    const s = new Scheduler()
    let hit = false
    const h = s.after(10, () => (hit = true))
    s.cancel(h)
    s.advance(20)
    expect(hit).toBe(false)
    expect(() => s.after(-1, () => {})).toThrow(/delay: got -1, expected a finite number ≥ 0/)
    expect(() => s.at(5, () => {})).toThrow(/at: got 5/)
    expect(() => s.advance(-3)).toThrow(/advance\(ms\): got -3/)
  })
  it('runWhile stops as soon as the condition holds', () => {
    const s = new Scheduler()
    let n = 0
    for (let i = 1; i <= 10; i++) s.after(i * 10, () => n++)
    expect(s.runWhile(() => n === 3, 1000)).toBe(true)
    expect(s.now).toBe(30)
  })
})

describe('Network', () => {
  const make = (seed = 1) => {
    const sched = new Scheduler(), trace = new Trace()
    const net = new Network<string>(sched, new Random(seed), trace)
    const got: string[] = []
    for (const id of [0, 1, 2]) net.add(id, (e) => got.push(`${e.from}->${e.to}:${e.body}`))
    return { sched, trace, net, got }
  }
  it('delivers with latency and records send and deliver', () => {
    const { sched, trace, net, got } = make()
    net.send(0, 1, 'ping', 'a')
    expect(got).toEqual([])
    sched.advance(10)
    expect(got).toEqual(['0->1:a'])
    expect(trace.all().map((e) => e.type)).toEqual(['send', 'deliver'])
    expect(net.messagesSent).toBe(1)
  })
  it('drops across a partition, including messages already in flight', () => {
    const { sched, trace, net, got } = make()
    net.send(0, 2, 'ping', 'in-flight')
    net.partition([[0, 1], [2]])
    net.send(0, 1, 'ping', 'same-side')
    sched.advance(10)
    expect(got).toEqual(['0->1:same-side'])
    expect(trace.all().filter((e) => e.type === 'drop').map((e) => e.type === 'drop' && e.reason)).toEqual(['partition'])
    net.heal()
    net.send(0, 2, 'ping', 'healed')
    sched.advance(10)
    expect(got).toContain('0->2:healed')
  })
  it('names bad partitions', () => {
    const { net } = make()
    expect(() => net.partition([[0, 1], [1, 2]])).toThrow(/node 1 appears in more than one group/)
    expect(() => net.partition([[0, 7]])).toThrow(/unknown node id 7, expected one of \[0,1,2\]/)
  })
  it('same seed and same calls give the same trace; unreliable links lose about 10%', () => {
    const run = (seed: number) => {
      const { sched, trace, net } = make(seed)
      net.setModel(UNRELIABLE_LINK)
      for (let i = 0; i < 2000; i++) net.send(i % 3, (i + 1) % 3, 'm', String(i))
      sched.advance(1000)
      return trace
    }
    expect(hashTrace(run(5).all())).toBe(hashTrace(run(5).all()))
    expect(hashTrace(run(5).all())).not.toBe(hashTrace(run(6).all()))
    const drops = run(5).all().filter((e) => e.type === 'drop').length
    expect(drops / 2000).toBeGreaterThan(0.07)
    expect(drops / 2000).toBeLessThan(0.13)
  })
})

describe('defineScenario', () => {
  const counter = defineScenario({
    kind: 'test', name: 'counter', title: 'Counter', checkpoints: ['one', 'two', 'three'],
    setup: (seed: number) => ({ sched: new Scheduler(), trace: new Trace(), n: seed }),
    script(m, mark) {
      for (const name of ['one', 'two', 'three']) {
        m.sched.advance(10)
        m.n++
        m.trace.record({ at: m.sched.now, type: 'note', text: name })
        mark(name)
      }
    },
    snapshot: (m) => ({ n: m.n }),
    time: (m) => m.sched.now,
    trace: (m) => m.trace.all(),
    describe: (s) => `n is ${s.n}`,
  })
  it('caches frozen snapshots and seeks both ways', () => {
    const sc = counter.create(100)
    expect(sc.checkpoints).toEqual(['start', 'one', 'two', 'three'])
    expect(sc.stateAt('two')).toEqual({ n: 102 })
    expect(sc.stateAt('start')).toEqual({ n: 100 })
    expect(Object.isFrozen(sc.stateAt('one'))).toBe(true)
    expect(sc.eventsBetween('one', 'three').map((e) => e.type === 'note' && e.text)).toEqual(['two', 'three'])
    expect(sc.eventsBetween('three', 'one')).toEqual(sc.eventsBetween('one', 'three'))
    expect(sc.timeOf('three')).toBe(30)
    expect(sc.describe(sc.stateAt('three'))).toBe('n is 103')
  })
  it('gives a live model at a checkpoint', () => {
    const m = counter.create(0).live('two')
    expect(m.n).toBe(2)
    expect(m.sched.now).toBe(20)
  })
  it('names unknown checkpoints and the valid ones', () => {
    expect(() => counter.create(1).stateAt('four')).toThrow(/unknown checkpoint "four", expected one of start, one, two, three/)
  })
})
