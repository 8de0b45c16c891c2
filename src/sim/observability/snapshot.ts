import { messagesInFlight, recentFlights, type FlightView } from './inflight.ts'
import { percentile, type HistogramView } from './histogram.ts'
import { depths, dominantSpan, type Span } from './spans.ts'
import { GRAPH, SERVICES, type Fault, type LogRecord, type ObservedSystem, type ServiceName } from './system.ts'

/**
 * What the observability scene draws, as plain JSON:
 *
 * ```
 * { now, load,                                        // requests per second of background load
 *   services: [{ name, inFlight, ok, errors,          // in_flight gauge, requests_total by status
 *                fault: { slowMs, slowRate, errorRate } | null,
 *                latency: { count, p50, p95, p99 } }],   // from the bucketed histogram, ms (null when empty)
 *   edges: [{ from, to, operation }],                 // the service graph
 *   inFlight: [{ msg, from, to, kind, sentAt, deliverAt, payload }],   // kinds: call, reply, export (to the collector)
 *   recentFlights: [...],                             // the same shape: every message sent in the last RECENT_MS
 *   outbox: { client: { logs, spans }, gateway: ... },   // waiting in each sender's export buffer
 *   collector: { logs, spans, traces },               // what has reached the collector
 *   recentLogs: LogRecord[],                          // the last 6 emitted: { time, severity, service, body, trace_id, span_id, attributes }
 *   metrics: { requests, errors,
 *              gateway: { histogram: { bounds, counts, count, sum }, p50, p95, p99,      // bucket estimates
 *                         exact: { p50, p95, p99 } } },                                // sorted-array reference
 *   focus: { traceId, complete,                       // the trace of the last single request()
 *            spans: [{ traceId, spanId, parentSpanId, service, name, start, end, status,
 *                      depth, open, exported }],      // open: still running (end = now); exported: at the collector
 *            dominant: { spanId, service, name } | null,   // most self time
 *            logs: LogRecord[] } | null }              // every emitted log carrying its trace id
 * ```
 */
export interface ObservabilitySnapshot {
  readonly now: number
  readonly load: number
  readonly services: readonly ServiceView[]
  readonly edges: readonly { from: string; to: string; operation: string }[]
  readonly inFlight: readonly FlightView[]
  /** Messages sent in the last RECENT_MS, delivered or not (live scenes draw them at a watchable pace). */
  readonly recentFlights: readonly FlightView[]
  /** Logs and spans waiting in each sender's export buffer. */
  readonly outbox: Readonly<Record<string, { readonly logs: number; readonly spans: number }>>
  readonly collector: { readonly logs: number; readonly spans: number; readonly traces: number }
  readonly recentLogs: readonly LogRecord[]
  readonly metrics: {
    readonly requests: number
    readonly errors: number
    readonly gateway: { readonly histogram: HistogramView; readonly p50: number | null; readonly p95: number | null; readonly p99: number | null; readonly exact: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null } }
  }
  readonly focus: FocusView | null
}

export interface ServiceView {
  readonly name: ServiceName
  readonly inFlight: number
  readonly ok: number
  readonly errors: number
  readonly fault: Fault | null
  readonly latency: { readonly count: number; readonly p50: number | null; readonly p95: number | null; readonly p99: number | null }
}

export interface FocusView {
  readonly traceId: string
  /** The request has finished and every span has reached the collector. */
  readonly complete: boolean
  readonly spans: readonly (Span & { readonly depth: number; readonly open: boolean; readonly exported: boolean })[]
  readonly dominant: { readonly spanId: string; readonly service: string; readonly name: string } | null
  readonly logs: readonly LogRecord[]
}

/** How far back `recentFlights` reaches, simulated ms. */
export const RECENT_MS = 100

export function snapshotObservability(m: ObservedSystem): ObservabilitySnapshot {
  const services = SERVICES.map((name): ServiceView => {
    const h = m.histogram(name)
    return {
      name, inFlight: m.inFlightAt(name), ok: m.counter(name, 'ok'), errors: m.counter(name, 'error'), fault: m.fault(name),
      latency: { count: h.count, p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99) },
    }
  })
  const gw = m.histogram('gateway')
  const exact = m.durationsOf('gateway')
  const traces = m.traces()
  return {
    now: m.now,
    load: m.load,
    services,
    edges: SERVICES.flatMap((from) => GRAPH[from].calls.map((c) => ({ from, to: c.to, operation: c.operation }))),
    inFlight: messagesInFlight(m.trace.all()),
    recentFlights: recentFlights(m.trace.all(), m.now, RECENT_MS),
    outbox: m.outboxSizes(),
    collector: { logs: m.logs().length, spans: m.spans().length, traces: traces.size },
    recentLogs: m.emittedLogs().slice(-6),
    metrics: {
      requests: m.counter('gateway', 'ok') + m.counter('gateway', 'error'),
      errors: m.counter('gateway', 'error'),
      gateway: {
        histogram: gw.view(), p50: gw.quantile(0.5), p95: gw.quantile(0.95), p99: gw.quantile(0.99),
        exact: { p50: percentile(exact, 0.5), p95: percentile(exact, 0.95), p99: percentile(exact, 0.99) },
      },
    },
    focus: m.focus === null ? null : focusView(m, m.focus),
  }
}

function focusView(m: ObservedSystem, traceId: string): FocusView {
  const exported = new Set((m.traces().get(traceId) ?? []).map((s) => s.spanId))
  const ended = m.endedSpans().filter((s) => s.traceId === traceId)
  const open = m.openSpans().filter((s) => s.traceId === traceId).map((s) => ({ ...s, end: m.now }))
  const all = [...ended, ...open].sort((a, b) => a.start - b.start)
  const depth = depths(all)
  const finished = open.length === 0 && m.requests().some((r) => r.traceId === traceId && r.status !== 'pending')
  const complete = finished && ended.every((s) => exported.has(s.spanId))
  const top = finished ? dominantSpan(ended) : null
  return {
    traceId,
    complete,
    spans: all.map((s) => ({ ...s, depth: depth.get(s.spanId) ?? 0, open: open.includes(s), exported: exported.has(s.spanId) })),
    dominant: top ? { spanId: top.spanId, service: top.service, name: top.name } : null,
    logs: m.emittedLogs().filter((l) => l.trace_id === traceId),
  }
}
