import { describe, expect, it } from 'vitest'
import { logsScenario, metricsScenario, tracesScenario } from '../../../sim/observability/scenarios.ts'
import type { ObservabilitySnapshot } from '../../../sim/observability/snapshot.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { Warp, frameBetween, frameOfSnapshot, transitionFlights, warpedWire, type Frame } from './frame.ts'

function between(sc: { stateAt(n: string): ObservabilitySnapshot; eventsBetween(a: string, b: string): readonly TraceEvent[] }, from: string, to: string) {
  const start = sc.stateAt(from)
  const end = sc.stateAt(to)
  const events = sc.eventsBetween(from, to)
  const all = transitionFlights(start, events)
  const warp = new Warp(start.now, end.now, events.map((e) => e.at))
  return { start, end, at: (t: number): Frame => frameBetween(start, end, events, all, warp.time(t), warpedWire(warp, t, 0.1)) }
}

describe('observability frames', () => {
  it('the warp runs from the first checkpoint to the second, only forward, and gives bursts more of the transition', () => {
    const events = [10, 10.5, 11, 11.2, 90]
    const w = new Warp(0, 100, events)
    expect(w.time(0)).toBe(0)
    expect(w.time(1)).toBe(100)
    let prev = -1
    for (let t = 0; t <= 1.0001; t += 0.01) {
      const x = w.time(Math.min(1, t))
      expect(x).toBeGreaterThanOrEqual(prev)
      expect(w.t(x)).toBeCloseTo(Math.min(1, t), 6)
      prev = x
    }
    // The burst around 10–11 ms is 1% of the time but most of the events: it gets far more than 1%.
    expect(w.t(12) - w.t(9)).toBeGreaterThan(0.4)
    // With no events the clock is even.
    expect(new Warp(0, 100, []).time(0.25)).toBeCloseTo(25, 6)
  })

  it('a transition starts at the earlier checkpoint and ends at the later one (counts, buffers, spans)', () => {
    for (const [sc, from, to] of [[logsScenario.create(), 'emit', 'correlate'], [tracesScenario.create(), 'spans', 'slow-span'], [metricsScenario.create(), 'traffic', 'slow-dependency']] as const) {
      const b = between(sc, from, to)
      const first = b.at(0)
      const last = b.at(1)
      const a = frameOfSnapshot(b.start, null)
      const z = frameOfSnapshot(b.end, null)
      expect(first.collector).toEqual(a.collector)
      expect(first.outbox).toEqual(a.outbox)
      expect(first.requests).toBe(a.requests)
      expect(last.collector).toEqual(z.collector)
      expect(last.outbox).toEqual(z.outbox)
      expect(last.requests).toBe(z.requests)
      expect(last.histogram.counts).toEqual(z.histogram.counts)
      expect(last.services.map((s) => [s.ok, s.errors, s.inFlight, s.fault])).toEqual(z.services.map((s) => [s.ok, s.errors, s.inFlight, s.fault]))
      expect(last.focus?.spans.length).toBe(z.focus?.spans.length)
    }
  })

  it('between request and emit, log lines and spans appear in order as the request travels', () => {
    const b = between(logsScenario.create(), 'request', 'emit')
    const counts = [0, 0.25, 0.5, 0.75, 1].map((t) => b.at(t).focus!.logs.length)
    expect(counts[0]).toBe(1)
    expect(counts.at(-1)).toBe(6)
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!)
    // Every call in flight is on a graph edge, and the halfway frame has one.
    const mid = [0.2, 0.3, 0.4, 0.5, 0.6].flatMap((t) => b.at(t).wire)
    expect(mid.some((w) => w.kind === 'call')).toBe(true)
    expect(mid.every((w) => w.f >= 0 && w.f <= 1)).toBe(true)
  })

  it('the exports to the collector carry the three signals and empty the buffers', () => {
    const b = between(logsScenario.create(), 'emit', 'correlate')
    const exports = Array.from({ length: 101 }, (_, i) => b.at(i / 100)).flatMap((f) => f.wire.filter((w) => w.kind === 'export'))
    expect(exports.length).toBeGreaterThan(0)
    expect(exports.some((w) => w.carries!.logs > 0 && w.carries!.spans > 0 && w.carries!.metrics > 0)).toBe(true)
    expect(Object.values(b.at(1).outbox).every((x) => x.logs === 0 && x.spans === 0)).toBe(true)
  })

  it('a slow span is marked slow as soon as it starts, and the trace names the span with the most own time when complete', () => {
    const sc = tracesScenario.create()
    const done = frameOfSnapshot(sc.stateAt('slow-span'), null).focus!
    expect(done.spans.filter((s) => s.slow).map((s) => s.service)).toEqual(['database', 'database'])
    expect(done.spans.find((s) => s.spanId === done.dominant)!.name).toBe('INSERT order')
    const b = between(sc, 'spans', 'slow-span')
    const growing = [0.3, 0.4, 0.5].map((t) => b.at(t).focus!).find((f) => f.spans.some((s) => s.slow && s.open))
    expect(growing, 'a slow span still running').toBeDefined()
    expect(growing!.dominant).toBeNull()
  })

  it('live frames show recent messages for a minimum time, and a checkpoint shows only those on the wire', () => {
    const s = logsScenario.create().stateAt('emit')
    expect(frameOfSnapshot(s, null).wire).toHaveLength(s.inFlight.length)
    const live = frameOfSnapshot(s, 10).wire
    expect(live.length).toBeGreaterThan(s.inFlight.length)
    expect(live.every((w) => w.f >= 0 && w.f < 1)).toBe(true)
  })
})
