import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createObservedSystem, SERVICES, type ObservedSystem } from './system.ts'
import { dominantSpan, selfTime, treeProblems, type Span } from './spans.ts'
import { hashTrace } from '../trace.ts'

/** Load for a while, stop, and let every request finish and every batch reach the collector. */
function loaded(seed: number, setup: (m: ObservedSystem) => void = () => {}, ms = 1500): ObservedSystem {
  const m = createObservedSystem({ seed })
  setup(m)
  m.setLoad(50)
  m.advance(ms)
  m.setLoad(0)
  m.runUntil(() => m.requests().every((r) => r.status !== 'pending'))
  m.advance(2 * m.exportIntervalMs)
  return m
}

const duration = (spans: readonly Span[]): number => {
  const root = spans.find((s) => s.parentSpanId === null)!
  return root.end - root.start
}

describe('observability: logs', () => {
  it('every log of a request carries its trace id, and its span id belongs to that trace', () => {
    const m = loaded(3, (x) => x.setFault('database', { errorRate: 0.1 }))
    const traces = m.traces()
    expect(m.logs()).toHaveLength(m.emittedLogs().length)
    for (const r of m.requests()) {
      const logs = m.logs().filter((l) => l.trace_id === r.traceId)
      const spans = traces.get(r.traceId)!
      // Each span logs at least when it starts and when it ends.
      expect(logs.length).toBeGreaterThanOrEqual(2 * spans.length)
      const spanIds = new Set(spans.map((s) => s.spanId))
      for (const l of logs) expect(spanIds.has(l.span_id)).toBe(true)
      expect(new Set(logs.map((l) => l.service))).toEqual(new Set(spans.map((s) => s.service)))
    }
    // No log is orphaned: every one belongs to some request.
    const known = new Set(m.requests().map((r) => r.traceId))
    expect(m.logs().every((l) => known.has(l.trace_id))).toBe(true)
    // Logs are structured JSON lines.
    const line = JSON.stringify(m.logs()[0])
    expect(JSON.parse(line)).toMatchObject({ severity: expect.any(String), service: expect.any(String), trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) })
  })

  it('a failing dependency logs errors up the chain and counts them', () => {
    const m = loaded(4, (x) => x.setFault('inventory', { errorRate: 0.5 }))
    const failed = m.requests().filter((r) => r.status === 'error')
    expect(failed.length).toBeGreaterThan(0)
    expect(m.counter('inventory', 'error')).toBe(failed.length)
    expect(m.counter('gateway', 'error')).toBe(failed.length)
    for (const r of failed) {
      // In emission order (the collector receives them in export batches).
      const errors = m.emittedLogs().filter((l) => l.trace_id === r.traceId && l.severity === 'ERROR').map((l) => l.service)
      expect(errors).toEqual(['inventory', 'orders', 'gateway', 'client'].filter((s) => errors.includes(s)))
      expect(errors).toContain('inventory')
      expect(m.traces().get(r.traceId)!.filter((s) => s.status === 'error').map((s) => s.service).sort()).toEqual(['client', 'gateway', 'inventory', 'orders'])
    }
  })
})

describe('observability: traces', () => {
  it('span trees are well formed and durations nest, with and without faults', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(...SERVICES), fc.double({ min: 0, max: 0.5, noNaN: true }), (seed, service, errorRate) => {
      const m = loaded(seed, (x) => x.setFault(service, { slowMs: 40, slowRate: 0.3, errorRate }), 600)
      expect(m.traces().size).toBe(m.requests().length)
      for (const spans of m.traces().values()) {
        expect(treeProblems(spans)).toEqual([])
        for (const s of spans) expect(selfTime(s, spans.filter((c) => c.parentSpanId === s.spanId))).toBeGreaterThanOrEqual(-1e-9)
      }
    }), { numRuns: 25 })
  })

  it('the checker catches broken trees', () => {
    const t = (spanId: string, parentSpanId: string | null, start: number, end: number): Span => ({ traceId: 't', spanId, parentSpanId, service: 's', name: 'n', start, end, status: 'ok' })
    expect(treeProblems([t('a', null, 0, 10), t('b', 'a', 2, 12)])).toEqual(['b [2, 12] is not inside its parent [0, 10]'])
    expect(treeProblems([t('a', null, 0, 10), t('b', 'x', 2, 5)])).toEqual(['b has a missing parent x'])
    expect(treeProblems([t('a', 'b', 0, 10), t('b', 'a', 0, 10)])).toContain('0 root spans, expected 1')
  })

  it('a slow dependency is the dominant span of the slow traces', () => {
    for (const slow of ['inventory', 'auth', 'database'] as const) {
      const m = loaded(5, (x) => x.setFault(slow, { slowMs: 150, slowRate: 0.1 }))
      const traces = [...m.traces().values()].sort((a, b) => duration(b) - duration(a))
      const slowest = traces.slice(0, Math.max(3, Math.ceil(traces.length * 0.05)))
      for (const spans of slowest) expect(dominantSpan(spans)!.service).toBe(slow)
      // And the fast majority is not dominated by it.
      const median = traces[Math.floor(traces.length / 2)]!
      expect(duration(median)).toBeLessThan(100)
    }
  })
})

describe('observability: metrics', () => {
  it('counts, gauges and histograms agree with the requests', () => {
    const m = createObservedSystem({ seed: 6 })
    m.setLoad(50)
    m.advance(800)
    // The in_flight gauge rises while requests are being handled...
    let busiest = 0
    for (let t = 0; t < 200; t++) {
      m.advance(1)
      busiest = Math.max(busiest, SERVICES.reduce((a, s) => a + m.inFlightAt(s), 0))
    }
    expect(busiest).toBeGreaterThan(0)
    m.setLoad(0)
    m.runUntil(() => m.requests().every((r) => r.status !== 'pending'))
    // ...and returns to zero once they are all answered.
    expect(SERVICES.every((s) => m.inFlightAt(s) === 0)).toBe(true)
    const n = m.requests().length
    expect(n).toBeGreaterThan(30)
    expect(m.counter('gateway', 'ok')).toBe(n)
    expect(m.histogram('gateway').count).toBe(n)
    expect(m.histogram('database').count).toBe(2 * n)
  })

  it('a slow dependency on some requests spikes p99 but not p50', () => {
    const m = createObservedSystem({ seed: 8 })
    m.setLoad(50)
    m.advance(2000)
    const before = { p50: m.histogram('gateway').quantile(0.5)!, p99: m.histogram('gateway').quantile(0.99)! }
    m.setFault('orders', { slowMs: 300, slowRate: 0.1 })
    m.advance(3000)
    const after = { p50: m.histogram('gateway').quantile(0.5)!, p99: m.histogram('gateway').quantile(0.99)! }
    expect(after.p99).toBeGreaterThan(4 * before.p99)
    expect(after.p50).toBeLessThan(1.5 * before.p50)
  })
})

describe('observability: arguments and determinism', () => {
  it('names bad arguments', () => {
    const m = createObservedSystem({ seed: 1 })
    expect(() => m.setFault('cache' as 'auth', { slowMs: 1 })).toThrow(/service: got "cache", expected one of gateway, auth, orders, inventory, database/)
    expect(() => m.setFault('auth', { errorRate: 2 })).toThrow(/fault errorRate: got 2, expected a probability in \[0, 1\]/)
    expect(() => m.setLoad(-5)).toThrow(/load rps: got -5/)
    expect(() => createObservedSystem({ seed: 1, exportIntervalMs: 0 })).toThrow(/exportIntervalMs: got 0/)
  })

  it('same seed and same calls give the same trace', () => {
    const run = (seed: number) => hashTrace(loaded(seed, () => {}, 300).trace.all())
    expect(run(2)).toBe(run(2))
    expect(run(2)).not.toBe(run(3))
  })
})
