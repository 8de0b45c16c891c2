/**
 * What the observability scene draws at one instant, as plain data (no three.js, tested in Node):
 * built from a checkpoint's snapshot, from a live snapshot, or between two checkpoints by
 * replaying the trace (messages fly, log lines appear, spans grow, counters climb).
 *
 * Messages here are on the wire for a millisecond or two, a blink even in slow motion, so a
 * message is drawn for a minimum on-screen time (a pure function of the time, never of what was
 * drawn before): long enough to watch it travel.
 */
import type { ObservabilitySnapshot, ServiceView } from '../../../sim/observability/snapshot.ts'
import type { FlightView } from '../../../sim/observability/inflight.ts'
import type { Fault, LogRecord } from '../../../sim/observability/system.ts'
import { histogramQuantile, type HistogramView } from '../../../sim/observability/histogram.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { flights, stateAt, type Flight } from '../../flight.ts'
import { lerp } from '../../ease.ts'

export interface ExportPayload {
  readonly logs: number
  readonly spans: number
  readonly metrics: number
}

export interface Wire {
  readonly msg: number
  readonly from: string
  readonly to: string
  readonly kind: 'call' | 'reply' | 'export'
  /** How far along, 0..1. */
  readonly f: number
  /** Replies: whether the call succeeded. */
  readonly ok: boolean
  readonly traceId: string | null
  readonly carries: ExportPayload | null
}

export interface FrameService {
  readonly name: string
  readonly inFlight: number
  readonly ok: number
  readonly errors: number
  readonly fault: Fault | null
  readonly p50: number | null
  readonly p99: number | null
}

export interface FrameSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | null
  readonly service: string
  readonly name: string
  readonly start: number
  readonly end: number
  readonly depth: number
  readonly open: boolean
  readonly exported: boolean
  /** The service logged a WARN "is slow" for it: the fault hit this span. */
  readonly slow: boolean
  readonly status: 'ok' | 'error'
}

export interface FrameFocus {
  readonly traceId: string
  readonly spans: readonly FrameSpan[]
  readonly logs: readonly LogRecord[]
  /** Every span has ended and reached the collector. */
  readonly complete: boolean
  /** The span with the most self time, once the trace is complete. */
  readonly dominant: string | null
}

export interface Frame {
  readonly now: number
  readonly load: number
  readonly services: readonly FrameService[]
  readonly wire: readonly Wire[]
  readonly outbox: Readonly<Record<string, { readonly logs: number; readonly spans: number }>>
  readonly collector: { readonly logs: number; readonly spans: number; readonly traces: number }
  readonly requests: number
  readonly errors: number
  readonly histogram: HistogramView
  readonly p50: number | null
  readonly p95: number | null
  readonly p99: number | null
  readonly focus: FrameFocus | null
  readonly recentLogs: readonly LogRecord[]
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)

function wireOf(f: { msg: number; from: string | number; to: string | number; kind: string; payload?: unknown }, along: number): Wire {
  const pay = (f.payload ?? null) as { trace_id?: string; ok?: boolean; logs?: number; spans?: number; metrics?: number } | null
  const kind = f.kind === 'reply' || f.kind === 'export' ? f.kind : 'call'
  return {
    msg: f.msg, from: String(f.from), to: String(f.to), kind, f: clamp01(along),
    ok: pay?.ok !== false,
    traceId: pay?.trace_id ?? null,
    carries: kind === 'export' ? { logs: pay?.logs ?? 0, spans: pay?.spans ?? 0, metrics: pay?.metrics ?? 0 } : null,
  }
}

/** A message drawn for at least `minMs`: visible from sentAt to sentAt + max(wire time, minMs). */
function visible(sentAt: number, endAt: number, time: number, minMs: number): number | null {
  const span = Math.max(endAt - sentAt, minMs)
  if (time < sentAt || time >= sentAt + span || span <= 0) return null
  return (time - sentAt) / span
}

/** Resolution of the warp's table (samples over the transition). */
const WARP_SAMPLES = 1024
/** Share of a transition that runs at an even pace; the rest follows the events. */
const EVEN_SHARE = 0.25

/**
 * A transition's clock. Replaying simulated time evenly would spend most of a transition on
 * waits (an export tick 120 ms after a 27 ms request) and flash the busy moments past; the warp
 * gives each event an equal share of the transition (spread over a short window around it) plus
 * an even share for elapsed time, so bursts play slowly and idle stretches quickly, and time still
 * only moves forward. `time(t)` and `t(time)` are inverse, piecewise linear, pure functions.
 */
export class Warp {
  private readonly cum: Float64Array

  constructor(
    readonly from: number,
    readonly to: number,
    eventTimes: readonly number[],
  ) {
    const n = WARP_SAMPLES
    const span = Math.max(to - from, 1e-9)
    const dt = span / n
    const mass = new Float64Array(n).fill(EVEN_SHARE / n)
    if (eventTimes.length > 0) {
      // Each event spreads over a window of a few samples (at least a millisecond).
      const half = Math.max(1, Math.round(Math.max(1, span / 200) / dt / 2))
      const each = (1 - EVEN_SHARE) / eventTimes.length / (2 * half + 1)
      for (const at of eventTimes) {
        const c = Math.min(n - 1, Math.max(0, Math.floor((at - from) / dt)))
        for (let k = Math.max(0, c - half); k <= Math.min(n - 1, c + half); k++) mass[k]! += each
      }
    } else {
      mass.fill(1 / n)
    }
    const total = mass.reduce((a, b) => a + b, 0)
    this.cum = new Float64Array(n + 1)
    for (let k = 0; k < n; k++) this.cum[k + 1] = this.cum[k]! + mass[k]! / total
  }

  /** Simulated time at transition progress t ∈ [0, 1]. */
  time(t: number): number {
    const n = WARP_SAMPLES
    if (t <= 0) return this.from
    if (t >= 1) return this.to
    let lo = 0
    let hi = n
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (this.cum[mid]! <= t) lo = mid
      else hi = mid
    }
    const a = this.cum[lo]!
    const b = this.cum[lo + 1]!
    const f = b > a ? (t - a) / (b - a) : 0
    return this.from + ((lo + f) / n) * (this.to - this.from)
  }

  /** Transition progress at simulated time `time`. */
  t(time: number): number {
    const n = WARP_SAMPLES
    const x = ((time - this.from) / Math.max(this.to - this.from, 1e-9)) * n
    if (x <= 0) return 0
    if (x >= n) return 1
    const k = Math.floor(x)
    return this.cum[k]! + (x - k) * (this.cum[k + 1]! - this.cum[k]!)
  }
}

/** How a frame places messages on the wire: progress 0..1 of a message, or null when not drawn. */
export type WireClock = (sentAt: number, endAt: number) => number | null

/** During a transition: a message is drawn for at least `minShare` of the transition's progress. */
export function warpedWire(warp: Warp, t: number, minShare: number): WireClock {
  return (sentAt, endAt) => {
    const a = warp.t(sentAt)
    const span = Math.max(warp.t(endAt) - a, minShare)
    if (t < a || t >= a + span) return null
    return (t - a) / span
  }
}

function focusOf(s: ObservabilitySnapshot): FrameFocus | null {
  const f = s.focus
  if (!f) return null
  const slow = new Set(f.logs.filter((l) => l.severity === 'WARN').map((l) => l.span_id))
  return {
    traceId: f.traceId,
    spans: f.spans.map((x) => ({ traceId: x.traceId, spanId: x.spanId, parentSpanId: x.parentSpanId, service: x.service, name: x.name, start: x.start, end: x.end, depth: x.depth, open: x.open, exported: x.exported, slow: slow.has(x.spanId), status: x.status })),
    logs: f.logs,
    complete: f.complete,
    dominant: f.complete ? (f.dominant?.spanId ?? null) : null,
  }
}

function serviceOf(s: ServiceView): FrameService {
  return { name: s.name, inFlight: s.inFlight, ok: s.ok, errors: s.errors, fault: s.fault, p50: s.latency.p50, p99: s.latency.p99 }
}

/**
 * A snapshot as it is. `minVisibleMs` null: messages at their true place on the wire (a
 * checkpoint); a number: the snapshot's recent messages, each shown at least that long (live).
 */
export function frameOfSnapshot(s: ObservabilitySnapshot, minVisibleMs: number | null): Frame {
  const wire: Wire[] = []
  if (minVisibleMs === null) {
    for (const m of s.inFlight) wire.push(wireOf(m, m.deliverAt > m.sentAt ? (s.now - m.sentAt) / (m.deliverAt - m.sentAt) : 1))
  } else {
    for (const m of s.recentFlights) {
      const f = visible(m.sentAt, m.deliverAt, s.now, minVisibleMs)
      if (f !== null) wire.push(wireOf(m, f))
    }
  }
  const g = s.metrics.gateway
  return {
    now: s.now,
    load: s.load,
    services: s.services.map(serviceOf),
    wire,
    outbox: s.outbox,
    collector: s.collector,
    requests: s.metrics.requests,
    errors: s.metrics.errors,
    histogram: g.histogram,
    p50: g.p50,
    p95: g.p95,
    p99: g.p99,
    focus: focusOf(s),
    recentLogs: s.recentLogs,
  }
}

/** The messages between two checkpoints, with payloads (also of those already on the wire). */
export function transitionFlights(start: ObservabilitySnapshot, events: readonly TraceEvent[]): Flight[] {
  const onWire = start.inFlight.map((m: FlightView) => ({ msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, deliverAt: m.deliverAt }))
  const all = flights(events, onWire)
  const payloads = new Map(start.inFlight.map((m) => [m.msg, m.payload]))
  for (const f of all) if (f.payload === undefined) f.payload = payloads.get(f.msg)
  return all
}

/**
 * The frame at simulated `time` between checkpoint snapshots `start` and `end`, replaying
 * `events` (the trace between them; `all` = transitionFlights(start, events)); `clock` places
 * the messages.
 */
export function frameBetween(start: ObservabilitySnapshot, end: ObservabilitySnapshot, events: readonly TraceEvent[], all: readonly Flight[], time: number, clock: WireClock): Frame {
  const wire: Wire[] = []
  for (const fl of all) {
    const f = clock(fl.sentAt, fl.endAt)
    if (f !== null) wire.push(wireOf(fl, f))
  }
  // What the trace between the checkpoints did by `time`. Events at the very instant of the first
  // checkpoint come after it (the script marked it, then acted), so at t = 0 nothing has happened.
  const past = (at: number): boolean => time > start.now && at <= time
  const onWire = new Set(start.inFlight.map((m) => m.msg))
  // Sent after the first checkpoint (a message already on the wire there was counted by it).
  const sentBy = (who: string, kind: string) => all.filter((f) => f.kind === kind && String(f.from) === who && !onWire.has(f.msg))
  const services = start.services.map((s, i): FrameService => {
    const e = end.services[i] ?? s
    const replies = sentBy(s.name, 'reply')
    const done = replies.filter((f) => past(f.sentAt))
    const calls = all.filter((f) => f.kind === 'call' && String(f.to) === s.name && f.endAt > start.now && past(f.endAt)).length
    const phi = replies.length > 0 ? done.length / replies.length : time >= end.now ? 1 : 0
    const fault = stateAt(events, s.name, 'fault', time, s.fault) as Fault | null
    return {
      name: s.name,
      inFlight: Math.max(0, s.inFlight + calls - done.length),
      ok: Math.round(lerp(s.ok, e.ok, phi)),
      errors: Math.round(lerp(s.errors, e.errors, phi)),
      fault,
      p50: mix(s.latency.p50, e.latency.p50, phi),
      p99: mix(s.latency.p99, e.latency.p99, phi),
    }
  })

  // Export buffers: lines logged since the start, minus what the exports sent took away.
  const outbox: Record<string, { logs: number; spans: number }> = {}
  for (const [who, box] of Object.entries(start.outbox)) {
    const exports = sentBy(who, 'export').filter((f) => past(f.sentAt))
    const logged = events.filter((ev) => ev.type === 'note' && ev.node === who && past(ev.at)).length
    // A span ends when its service replies (or, for the client's root span, when the reply lands).
    const ended = who === 'client'
      ? all.filter((f) => f.kind === 'reply' && String(f.to) === who && f.endAt > start.now && past(f.endAt)).length
      : sentBy(who, 'reply').filter((f) => past(f.sentAt)).length
    outbox[who] = {
      logs: Math.max(0, box.logs + logged - exports.reduce((n, f) => n + carried(f).logs, 0)),
      spans: Math.max(0, box.spans + ended - exports.reduce((n, f) => n + carried(f).spans, 0)),
    }
  }

  // The collector: what the exports delivered so far.
  const arrived = all.filter((f) => f.kind === 'export' && f.endAt > start.now && past(f.endAt) && !f.dropped)
  const logs = start.collector.logs + arrived.reduce((n, f) => n + carried(f).logs, 0)
  const spans = start.collector.spans + arrived.reduce((n, f) => n + carried(f).spans, 0)
  const spanShare = end.collector.spans > start.collector.spans ? (spans - start.collector.spans) / (end.collector.spans - start.collector.spans) : 0
  const collector = { logs, spans, traces: Math.round(lerp(start.collector.traces, end.collector.traces, clamp01(spanShare))) }

  // Metrics: the gateway's histogram fills in proportion to the requests it has answered.
  const gwReplies = sentBy('gateway', 'reply')
  const gwPhi = gwReplies.length > 0 ? gwReplies.filter((f) => past(f.sentAt)).length / gwReplies.length : time >= end.now ? 1 : 0
  const h0 = start.metrics.gateway.histogram
  const h1 = end.metrics.gateway.histogram
  const histogram: HistogramView = { bounds: h1.bounds, counts: h1.counts.map((c, i) => lerp(h0.counts[i] ?? 0, c, gwPhi)), count: lerp(h0.count, h1.count, gwPhi), sum: lerp(h0.sum, h1.sum, gwPhi) }

  return {
    now: time,
    load: Number(stateAt(events, 'client', 'load', time, start.load)),
    services,
    wire,
    outbox,
    collector,
    requests: Math.round(lerp(start.metrics.requests, end.metrics.requests, gwPhi)),
    errors: Math.round(lerp(start.metrics.errors, end.metrics.errors, gwPhi)),
    histogram,
    p50: histogramQuantile(histogram, 0.5),
    p95: histogramQuantile(histogram, 0.95),
    p99: histogramQuantile(histogram, 0.99),
    focus: focusBetween(start, end, all, time),
    recentLogs: time >= end.now ? end.recentLogs : start.recentLogs,
  }
}

function carried(f: Flight): ExportPayload {
  const p = (f.payload ?? {}) as Partial<ExportPayload>
  return { logs: p.logs ?? 0, spans: p.spans ?? 0, metrics: p.metrics ?? 0 }
}

function mix(a: number | null, b: number | null, t: number): number | null {
  if (a === null) return t > 0 ? b : null
  if (b === null) return a
  return lerp(a, b, t)
}

/**
 * The followed trace at `time`: the later checkpoint's trace once its request has started (its
 * spans and logs, cut at `time`), else the earlier one's.
 */
function focusBetween(start: ObservabilitySnapshot, end: ObservabilitySnapshot, all: readonly Flight[], time: number): FrameFocus | null {
  const late = focusOf(end)
  const early = focusOf(start)
  const root = late?.spans.find((s) => s.parentSpanId === null)
  const f = late && root && root.start <= time ? late : early
  if (!f) return null
  if (f === early && time >= start.now && f.complete) return f
  const exportedAt = (service: string, after: number): boolean =>
    all.some((x) => x.kind === 'export' && String(x.from) === service && x.sentAt >= after && x.endAt <= time && !x.dropped)
  const spans = f.spans
    .filter((s) => s.start <= time)
    .map((s): FrameSpan => {
      const open = s.open || s.end > time
      const end = Math.min(s.end, time)
      const wasExported = f === early && s.exported
      return { ...s, end, open, exported: !open && (wasExported || (s.exported && exportedAt(s.service, s.end))) }
    })
  const complete = spans.length === f.spans.length && spans.every((s) => !s.open && s.exported)
  return {
    traceId: f.traceId,
    spans,
    logs: f.logs.filter((l) => l.time <= time),
    complete,
    dominant: complete ? f.dominant : null,
  }
}
