import { describe, expect, it } from 'vitest'
import { logsScenario, metricsScenario, tracesScenario } from './scenarios.ts'
import { faultLevel, nextFault, SLOW_MS, TRAFFIC_RPS } from './what-if.ts'
import { histogramQuantile } from './histogram.ts'
import type { ObservedSystem } from './system.ts'
import type { WhatIfAction } from '../scenario.ts'

const action = (trigger: string): WhatIfAction<ObservedSystem> => logsScenario.create().whatIf!.actions.find((a) => a.trigger === trigger)!

describe('observability what-if', () => {
  it('every scenario offers click, W and Q, with a watchable speed (metrics faster)', () => {
    for (const f of [logsScenario, metricsScenario, tracesScenario]) {
      const w = f.create().whatIf!
      expect(w.actions.map((a) => a.trigger)).toEqual(['click', 'w', 'q'])
      expect(w.speed).toBeGreaterThan(0)
    }
    expect(metricsScenario.create().whatIf!.speed).toBeGreaterThan(logsScenario.create().whatIf!.speed)
  })

  it('a click cycles a service healthy → slow → failing → healthy', () => {
    const sc = tracesScenario.create()
    const m = sc.live('spans')
    const click = action('click')
    expect(faultLevel(m.fault('orders'))).toBe('healthy')
    expect(click.run(m, { node: 'orders' })).toMatch(/orders turns slow/)
    expect(m.fault('orders')).toMatchObject({ slowMs: SLOW_MS, slowRate: 1, errorRate: 0 })
    expect(click.run(m, { node: 'orders' })).toMatch(/fails every request/)
    expect(m.fault('orders')).toMatchObject({ slowMs: 0, errorRate: 1 })
    expect(click.run(m, { node: 'orders' })).toMatch(/healthy again/)
    expect(m.fault('orders')).toBeNull()
    expect(nextFault('failing')).toBe('healthy')
  })

  it('a click on the scripted slow dependency makes it fail next', () => {
    const m = metricsScenario.create().live('p99-spike')
    expect(faultLevel(m.fault('inventory'))).toBe('slow')
    action('click').run(m, { node: 'inventory' })
    expect(faultLevel(m.fault('inventory'))).toBe('failing')
  })

  it('a click on anything but a service changes nothing', () => {
    const m = logsScenario.create().live('start')
    expect(action('click').run(m, { node: 'collector' })).toMatch(/Click a service/)
    expect(action('click').run(m, {})).toMatch(/Click a service/)
    expect(m.trace.all().filter((e) => e.type === 'state')).toEqual([])
  })

  it('a slow service shows up in the next request: its span is the dominant one', () => {
    const sc = tracesScenario.create()
    const m = sc.live('spans')
    action('click').run(m, { node: 'auth' })
    expect(action('w').run(m)).toMatch(/checkout request 2 with trace id [0-9a-f]{8}/)
    m.advance(SLOW_MS + 400)
    const s = sc.snapshotOf(m)
    expect(s.focus!.complete).toBe(true)
    expect(s.focus!.dominant!.service).toBe('auth')
    expect(s.focus!.logs.some((l) => l.service === 'auth' && l.severity === 'WARN')).toBe(true)
  })

  it('a failing service turns the next request into an error, counted by the metrics', () => {
    const sc = logsScenario.create()
    const m = sc.live('correlate')
    const click = action('click')
    click.run(m, { node: 'database' })
    click.run(m, { node: 'database' })
    action('w').run(m)
    m.advance(500)
    const s = sc.snapshotOf(m)
    expect(s.metrics.errors).toBe(1)
    expect(s.services.find((x) => x.name === 'database')!.errors).toBeGreaterThan(0)
    expect(s.focus!.spans.find((x) => x.parentSpanId === null)!.status).toBe('error')
  })

  it('Q turns steady traffic on and off, and the metrics follow live', () => {
    const sc = logsScenario.create()
    const m = sc.live('correlate')
    const t = action('q')
    expect(t.run(m)).toMatch(new RegExp(`${TRAFFIC_RPS} checkout requests per second`))
    expect(m.load).toBe(TRAFFIC_RPS)
    const before = sc.snapshotOf(m).metrics.requests
    sc.whatIf!.advance(m, 1000)
    expect(sc.snapshotOf(m).metrics.requests).toBeGreaterThan(before + 20)
    // A negative slice from the frame clock is no time at all, not an error.
    const now = m.now
    sc.whatIf!.advance(m, -0.2)
    expect(m.now).toBe(now)
    expect(t.run(m)).toMatch(/Traffic stops/)
    expect(m.load).toBe(0)
  })

  it('the snapshot lists recent messages, export payloads and export buffers', () => {
    const sc = logsScenario.create()
    const emit = sc.stateAt('emit')
    // Before the first export, every log line is still in its sender's buffer.
    expect(Object.values(emit.outbox).reduce((n, b) => n + b.logs, 0)).toBe(emit.focus!.logs.length)
    expect(emit.recentFlights.length).toBeGreaterThan(emit.inFlight.length)
    expect(emit.recentFlights.every((f) => f.sentAt >= emit.now - 100)).toBe(true)
    const m = sc.live('correlate')
    const exports = m.trace.all().filter((e) => e.type === 'send' && e.kind === 'export')
    expect(exports.length).toBeGreaterThan(0)
    const carried = exports.reduce((n, e) => n + ((e.type === 'send' ? e.payload : null) as { logs: number }).logs, 0)
    expect(carried).toBe(sc.stateAt('correlate').collector.logs)
    const fromService = exports.find((e) => e.type === 'send' && e.from === 'gateway')
    expect(fromService?.type === 'send' && fromService.payload).toEqual({ logs: 2, spans: 1, metrics: 3 })
  })

  it('histogramQuantile reads interpolated (fractional) counts like the histogram reads its own', () => {
    const h = metricsScenario.create().stateAt('p99-spike').metrics.gateway
    expect(histogramQuantile(h.histogram, 0.99)).toBe(h.p99)
    expect(histogramQuantile(h.histogram, 0.5)).toBe(h.p50)
    const half = { ...h.histogram, counts: h.histogram.counts.map((c) => c / 2) }
    expect(histogramQuantile(half, 0.99)).toBeCloseTo(h.p99!, 6)
    expect(histogramQuantile({ ...h.histogram, counts: h.histogram.counts.map(() => 0) }, 0.5)).toBeNull()
  })
})

describe('observability narration after a what-if', () => {
  it('names a fault only for the requests it touched, and says where an error began', () => {
    const sc = tracesScenario.create()
    const m = sc.live('spans')
    const click = action('click')
    click.run(m, { node: 'inventory' })
    // The followed request ran before the fault: its story does not blame inventory.
    expect(sc.describe(sc.snapshotOf(m))).not.toMatch(/because inventory/)
    click.run(m, { node: 'inventory' })
    action('w').run(m)
    m.advance(500)
    expect(sc.describe(sc.snapshotOf(m))).toMatch(/failed: because inventory is failing 100% of requests, inventory \(reserve stock\) returned an error that 3 callers passed back up/)
  })
})
