import { describe, expect, it } from 'vitest'
import { logsScenario, metricsScenario, observabilityScenarios, tracesScenario } from './scenarios.ts'
import { snapshotObservability, type ObservabilitySnapshot } from './snapshot.ts'
import { hashTrace } from '../trace.ts'
import type { ScenarioFactory } from '../scenario.ts'
import type { ObservedSystem } from './system.ts'

const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

describe('observability scenarios', () => {
  it('lists the scenarios with exactly the named checkpoints, seed 7 by default', () => {
    expect(Object.fromEntries(observabilityScenarios.map((f) => [f.name, [f.kind, ...f.checkpoints]]))).toEqual({
      logs: ['observability', 'start', 'request', 'emit', 'correlate'],
      metrics: ['observability', 'start', 'traffic', 'slow-dependency', 'p99-spike'],
      traces: ['observability', 'start', 'request', 'spans', 'slow-span'],
    })
    expect([logsScenario, metricsScenario, tracesScenario].map((f) => f.create().seed)).toEqual([7, 7, 7])
  })

  for (const factory of observabilityScenarios as ScenarioFactory<ObservabilitySnapshot, ObservedSystem>[]) {
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
        for (const n of [...names].reverse()) expect(plain(snapshotObservability(replayed.live(n)))).toEqual(plain(replayed.stateAt(n)))
        for (const s of forward) expect(plain(s)).toEqual(s)
        expect(new Set(forward.map((s) => backward.describe(s))).size).toBe(names.length)
      })
    })
  }

  it('logs: request → emit → correlate', () => {
    const sc = logsScenario.create(7)
    const req = sc.stateAt('request')
    expect(req.inFlight.map((f) => [f.kind, f.from, f.to])).toEqual([['call', 'client', 'gateway']])
    const emit = sc.stateAt('emit')
    expect(emit.focus!.complete).toBe(false)
    expect(new Set(emit.focus!.logs.map((l) => l.service)).size).toBeGreaterThanOrEqual(4)
    expect(emit.focus!.logs.every((l) => l.trace_id === emit.focus!.traceId)).toBe(true)
    const done = sc.stateAt('correlate')
    expect(done.focus!.complete).toBe(true)
    expect(new Set(done.focus!.logs.map((l) => l.service))).toEqual(new Set(['client', 'gateway', 'auth', 'orders', 'inventory', 'database']))
    expect(done.collector.logs).toBe(done.focus!.logs.length)
  })

  it('metrics: traffic → slow dependency → p99 spike', () => {
    const sc = metricsScenario.create(7)
    const traffic = sc.stateAt('traffic')
    expect(traffic.metrics.requests).toBeGreaterThan(50)
    expect(traffic.services.every((s) => s.fault === null)).toBe(true)
    const slow = sc.stateAt('slow-dependency')
    expect(slow.services.find((s) => s.name === 'inventory')!.fault).toMatchObject({ slowMs: 250 })
    const spike = sc.stateAt('p99-spike')
    expect(spike.metrics.gateway.p99!).toBeGreaterThan(4 * traffic.metrics.gateway.p99!)
    expect(spike.metrics.gateway.p50!).toBeLessThan(1.5 * traffic.metrics.gateway.p50!)
    expect(spike.metrics.gateway.exact.p99!).toBeGreaterThan(250)
  })

  it('traces: request → spans → slow span', () => {
    const sc = tracesScenario.create(7)
    expect(sc.stateAt('request').focus!.spans.map((s) => s.service)).toEqual(['client'])
    const spans = sc.stateAt('spans').focus!
    expect(spans.complete).toBe(true)
    expect(spans.spans).toHaveLength(7)
    expect(Math.max(...spans.spans.map((s) => s.depth))).toBe(4)
    const slow = sc.stateAt('slow-span').focus!
    expect(slow.traceId).not.toBe(spans.traceId)
    expect(slow.dominant!.service).toBe('database')
  })
})
