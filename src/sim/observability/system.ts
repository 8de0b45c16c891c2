import { Scheduler } from '../scheduler.ts'
import { Random } from '../random.ts'
import { Network, type Envelope } from '../network.ts'
import { Trace } from '../trace.ts'
import { expectArg, expectNonNegative } from '../errors.ts'
import { Histogram } from './histogram.ts'
import type { Span } from './spans.ts'

/**
 * A small service graph under simulated load, instrumented the way OpenTelemetry instruments one:
 *
 *   client → gateway → auth
 *                    → orders → inventory → database
 *                             → database
 *
 * Every call is a network message carrying W3C trace context (`traceparent`), so one request's
 * spans share a trace id across services and link by parent span id. Each service:
 * - writes structured JSON logs that carry the trace and span id of the work they describe;
 * - keeps metrics: a counter `requests_total{service,status}`, a gauge `in_flight{service}` and a
 *   latency histogram `request_duration_ms{service}` (bucketed, see histogram.ts);
 * - records a span per request it handles (the client records the root span).
 * Logs and finished spans are batched and exported to the `collector` every `exportIntervalMs`
 * (as an OTLP batch processor does); each service's batch also carries its current metric points
 * (the three instruments above, as an OTLP metric exporter pushes them), while the snapshot reads
 * metrics straight from the registry, as a Prometheus scrape would. The trace records each export
 * with a payload `{ logs, spans, metrics }` counting what it carries, so a scene can draw the
 * three signals. Any service can be made slow (`slowMs` added to a fraction `slowRate` of its
 * requests) or failing (`errorRate`); errors propagate up the call chain.
 */
export const SERVICES = ['gateway', 'auth', 'orders', 'inventory', 'database'] as const
export type ServiceName = (typeof SERVICES)[number]
export const CLIENT = 'client'
export const COLLECTOR = 'collector'

interface ServiceSpec {
  readonly operation: string
  /** Own processing time, ms, drawn uniformly; half before the downstream calls, half after. */
  readonly work: readonly [number, number]
  readonly calls: readonly { readonly to: ServiceName; readonly operation: string }[]
}

export const GRAPH: Readonly<Record<ServiceName, ServiceSpec>> = {
  gateway: { operation: 'GET /checkout', work: [0.5, 1.5], calls: [{ to: 'auth', operation: 'verify token' }, { to: 'orders', operation: 'create order' }] },
  auth: { operation: 'verify token', work: [1, 3], calls: [] },
  orders: { operation: 'create order', work: [1, 2], calls: [{ to: 'inventory', operation: 'reserve stock' }, { to: 'database', operation: 'INSERT order' }] },
  inventory: { operation: 'reserve stock', work: [1, 2], calls: [{ to: 'database', operation: 'UPDATE stock' }] },
  database: { operation: 'query', work: [2, 6], calls: [] },
}

export interface Fault {
  /** Extra processing time, ms, for the affected requests. */
  readonly slowMs: number
  /** Fraction of requests that get the extra time (default 1: all). */
  readonly slowRate: number
  /** Probability a request to this service fails. */
  readonly errorRate: number
}

/** A structured log record (fields after OpenTelemetry's log data model); JSON.stringify gives one line. */
export interface LogRecord {
  readonly time: number
  readonly severity: 'INFO' | 'WARN' | 'ERROR'
  readonly service: string
  readonly body: string
  readonly trace_id: string
  readonly span_id: string
  readonly attributes: Readonly<Record<string, string | number>>
}

export interface RequestRecord {
  readonly id: number
  readonly traceId: string
  readonly start: number
  readonly end: number | null
  readonly status: 'pending' | 'ok' | 'error'
}

export interface ObservabilityOptions {
  seed: number
  /** How often services export logs and spans to the collector, ms (default 200). */
  exportIntervalMs?: number
}

type Msg =
  | { readonly kind: 'call'; readonly callId: number; readonly traceparent: string; readonly operation: string }
  | { readonly kind: 'reply'; readonly callId: number; readonly ok: boolean }
  | { readonly kind: 'export'; readonly logs: readonly LogRecord[]; readonly spans: readonly Span[] }

type OpenSpan = { -readonly [K in keyof Span]: Span[K] }

/** One request being handled by a service: its span, who to answer, and how far along it is. */
interface Handling {
  readonly service: ServiceName
  readonly span: OpenSpan
  readonly replyTo: string
  readonly callId: number
  readonly afterCalls: number
  next: number
}

type MutableRequest = { -readonly [K in keyof RequestRecord]: RequestRecord[K] }

export class ObservedSystem {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  readonly net: Network<Msg>
  readonly exportIntervalMs: number
  private readonly ids: Random
  private readonly work: Random
  private readonly arrivals: Random
  private readonly faults = new Map<ServiceName, Fault>()
  private readonly histograms = new Map<ServiceName, Histogram>(SERVICES.map((s) => [s, new Histogram()]))
  private readonly counters = new Map<string, number>()
  private readonly gauges = new Map<ServiceName, number>(SERVICES.map((s) => [s, 0]))
  private readonly durations = new Map<ServiceName, number[]>(SERVICES.map((s) => [s, []]))
  private readonly outbox = new Map<string, { logs: LogRecord[]; spans: Span[] }>()
  private readonly stored = { logs: [] as LogRecord[], spans: [] as Span[] }
  private readonly emitted: LogRecord[] = []
  private readonly ended: Span[] = []
  private readonly open = new Map<string, OpenSpan>()
  private readonly waiting = new Map<number, Handling | MutableRequest>()
  private readonly reqs: MutableRequest[] = []
  private readonly rootSpans = new Map<number, OpenSpan>()
  private callSeq = 0
  private rps = 0
  private focusTrace: string | null = null

  constructor(opts: ObservabilityOptions) {
    expectArg(Number.isFinite(opts.seed), 'seed', opts.seed, 'a finite number')
    this.exportIntervalMs = opts.exportIntervalMs ?? 200
    expectArg(Number.isFinite(this.exportIntervalMs) && this.exportIntervalMs > 0, 'exportIntervalMs', this.exportIntervalMs, 'a finite number > 0')
    const root = new Random(opts.seed)
    this.net = new Network<Msg>(this.sched, root.fork(), this.trace, { minLatency: 0.5, maxLatency: 2, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 })
    this.ids = root.fork()
    this.work = root.fork()
    this.arrivals = root.fork()
    this.net.add(CLIENT, (env) => this.clientReceive(env))
    for (const s of SERVICES) this.net.add(s, (env) => this.serviceReceive(s, env))
    this.net.add(COLLECTOR, (env) => this.collect(env))
    for (const who of [CLIENT, ...SERVICES]) this.outbox.set(who, { logs: [], spans: [] })
    this.sched.after(this.exportIntervalMs, () => this.exportAll())
  }

  get now(): number {
    return this.sched.now
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  runUntil(done: () => boolean, limitMs = 10_000): boolean {
    return this.sched.runWhile(done, limitMs)
  }

  // ---- load and faults ----

  /** One request from the client; it becomes the focus trace the snapshot draws. Returns its id. */
  request(): number {
    const id = this.send()
    this.focusTrace = this.reqs[id - 1]!.traceId
    return id
  }

  /** Poisson arrivals at `rps` requests per second (0 stops the load). */
  setLoad(rps: number): void {
    expectNonNegative('load rps', rps)
    const was = this.rps
    this.rps = rps
    this.trace.record({ at: this.now, type: 'state', node: CLIENT, field: 'load', value: rps, label: `load ${rps} requests/s` })
    if (was === 0 && rps > 0) this.scheduleArrival()
  }

  get load(): number {
    return this.rps
  }

  /** Make a service slow and/or failing; `clearFault` undoes it. */
  setFault(service: ServiceName, fault: { slowMs?: number; slowRate?: number; errorRate?: number }): void {
    this.expectService(service)
    const f: Fault = { slowMs: fault.slowMs ?? 0, slowRate: fault.slowRate ?? 1, errorRate: fault.errorRate ?? 0 }
    expectNonNegative('fault slowMs', f.slowMs)
    expectArg(f.slowRate >= 0 && f.slowRate <= 1, 'fault slowRate', f.slowRate, 'a probability in [0, 1]')
    expectArg(f.errorRate >= 0 && f.errorRate <= 1, 'fault errorRate', f.errorRate, 'a probability in [0, 1]')
    this.faults.set(service, f)
    this.trace.record({ at: this.now, type: 'state', node: service, field: 'fault', value: f, label: `${service}: ${f.slowMs > 0 ? `+${f.slowMs} ms on ${Math.round(f.slowRate * 100)}% of requests` : ''}${f.errorRate > 0 ? ` ${Math.round(f.errorRate * 100)}% errors` : ''}`.trim() })
  }

  clearFault(service: ServiceName): void {
    this.expectService(service)
    this.faults.delete(service)
    this.trace.record({ at: this.now, type: 'state', node: service, field: 'fault', value: null })
  }

  fault(service: ServiceName): Fault | null {
    return this.faults.get(service) ?? null
  }

  // ---- what the collector and the registry hold ----

  requests(): RequestRecord[] {
    return this.reqs.map((r) => ({ ...r }))
  }

  /** Logs the collector has received. */
  logs(): readonly LogRecord[] {
    return this.stored.logs
  }

  /** Every log emitted so far, exported or not (the services' stdout). */
  emittedLogs(): readonly LogRecord[] {
    return this.emitted
  }

  /** Finished spans the collector has received. */
  spans(): readonly Span[] {
    return this.stored.spans
  }

  /** Every span that has ended, exported or not. */
  endedSpans(): readonly Span[] {
    return this.ended
  }

  /** Spans still open (requests in progress), for drawing. */
  openSpans(): Span[] {
    return [...this.open.values()].map((s) => ({ ...s }))
  }

  /** The collector's spans grouped by trace id. */
  traces(): Map<string, Span[]> {
    const out = new Map<string, Span[]>()
    for (const s of this.stored.spans) out.set(s.traceId, [...(out.get(s.traceId) ?? []), s])
    return out
  }

  histogram(service: ServiceName): Histogram {
    this.expectService(service)
    return this.histograms.get(service)!
  }

  /** Raw durations a service observed, for the exact-percentile reference. */
  durationsOf(service: ServiceName): readonly number[] {
    this.expectService(service)
    return this.durations.get(service)!
  }

  counter(service: ServiceName, status: 'ok' | 'error'): number {
    return this.counters.get(`${service}|${status}`) ?? 0
  }

  inFlightAt(service: ServiceName): number {
    return this.gauges.get(service)!
  }

  /** Logs and finished spans waiting in each sender's export buffer (client and services). */
  outboxSizes(): Record<string, { logs: number; spans: number }> {
    const out: Record<string, { logs: number; spans: number }> = {}
    for (const [who, box] of this.outbox) out[who] = { logs: box.logs.length, spans: box.spans.length }
    return out
  }

  get focus(): string | null {
    return this.focusTrace
  }

  // ---- client ----

  private scheduleArrival(): void {
    if (this.rps <= 0) return
    // Exponential inter-arrival times: a Poisson process.
    const gap = (-Math.log(1 - this.arrivals.next()) / this.rps) * 1000
    this.sched.after(gap, () => {
      if (this.rps <= 0) return
      this.send()
      this.scheduleArrival()
    })
  }

  private send(): number {
    const traceId = this.hex(4)
    const span: OpenSpan = { traceId, spanId: this.hex(2), parentSpanId: null, service: CLIENT, name: 'checkout', start: this.now, end: this.now, status: 'ok' }
    const req: MutableRequest = { id: this.reqs.length + 1, traceId, start: this.now, end: null, status: 'pending' }
    this.reqs.push(req)
    this.open.set(span.spanId, span)
    this.rootSpans.set(req.id, span)
    const callId = ++this.callSeq
    this.waiting.set(callId, req)
    this.log(CLIENT, span, 'INFO', 'checkout started', {})
    this.net.send(CLIENT, 'gateway', 'call', { kind: 'call', callId, traceparent: traceparent(span), operation: GRAPH.gateway.operation }, { trace_id: traceId })
    return req.id
  }

  private clientReceive(env: Envelope<Msg>): void {
    const m = env.body
    if (m.kind !== 'reply') return
    const req = this.waiting.get(m.callId) as MutableRequest
    this.waiting.delete(m.callId)
    req.end = this.now
    req.status = m.ok ? 'ok' : 'error'
    const span = this.rootSpans.get(req.id)!
    this.rootSpans.delete(req.id)
    this.log(CLIENT, span, m.ok ? 'INFO' : 'ERROR', m.ok ? 'checkout succeeded' : 'checkout failed', { duration_ms: round(this.now - req.start) })
    this.endSpan(CLIENT, span, m.ok ? 'ok' : 'error')
  }

  // ---- services ----

  private serviceReceive(service: ServiceName, env: Envelope<Msg>): void {
    const m = env.body
    if (m.kind === 'call') this.handle(service, env.from as string, m)
    else if (m.kind === 'reply') this.onReply(m)
  }

  private handle(service: ServiceName, from: string, m: Extract<Msg, { kind: 'call' }>): void {
    const [traceId, parentSpanId] = parseTraceparent(m.traceparent)
    const span: OpenSpan = { traceId, spanId: this.hex(2), parentSpanId, service, name: m.operation, start: this.now, end: this.now, status: 'ok' }
    this.open.set(span.spanId, span)
    this.gauges.set(service, this.gauges.get(service)! + 1)
    this.log(service, span, 'INFO', `${m.operation} received`, { caller: from })
    const fault = this.faults.get(service)
    const [lo, hi] = GRAPH[service].work
    let work = this.work.range(lo, hi)
    if (fault && fault.slowMs > 0 && this.work.chance(fault.slowRate)) {
      work += fault.slowMs
      this.log(service, span, 'WARN', `${m.operation} is slow`, { extra_ms: fault.slowMs })
    }
    const h: Handling = { service, span, replyTo: from, callId: m.callId, afterCalls: work / 2, next: 0 }
    this.sched.after(work / 2, () => this.nextCall(h))
  }

  /** Call the next dependency in order, or finish the remaining work and answer. */
  private nextCall(h: Handling): void {
    const call = GRAPH[h.service].calls[h.next]
    if (call) {
      h.next++
      const callId = ++this.callSeq
      this.waiting.set(callId, h)
      this.net.send(h.service, call.to, 'call', { kind: 'call', callId, traceparent: traceparent(h.span), operation: call.operation }, { trace_id: h.span.traceId })
      return
    }
    this.sched.after(h.afterCalls, () => {
      const fault = this.faults.get(h.service)
      const failed = fault !== undefined && fault.errorRate > 0 && this.work.chance(fault.errorRate)
      this.finish(h, failed ? 'error' : 'ok', failed ? `${h.span.name} failed` : null)
    })
  }

  private onReply(m: Extract<Msg, { kind: 'reply' }>): void {
    const h = this.waiting.get(m.callId) as Handling
    this.waiting.delete(m.callId)
    if (m.ok) this.nextCall(h)
    else this.finish(h, 'error', `${h.span.name} failed: ${GRAPH[h.service].calls[h.next - 1]!.to} returned an error`)
  }

  private finish(h: Handling, status: 'ok' | 'error', error: string | null): void {
    const { service, span } = h
    const duration = this.now - span.start
    this.gauges.set(service, this.gauges.get(service)! - 1)
    this.histograms.get(service)!.observe(duration)
    this.durations.get(service)!.push(duration)
    this.counters.set(`${service}|${status}`, (this.counters.get(`${service}|${status}`) ?? 0) + 1)
    if (error) this.log(service, span, 'ERROR', error, { duration_ms: round(duration) })
    else this.log(service, span, 'INFO', `${span.name} completed`, { duration_ms: round(duration) })
    this.endSpan(service, span, status)
    this.net.send(service, h.replyTo, 'reply', { kind: 'reply', callId: h.callId, ok: status === 'ok' }, { trace_id: span.traceId, ok: status === 'ok' })
  }

  // ---- telemetry ----

  private log(who: string, span: Span, severity: LogRecord['severity'], body: string, attributes: Record<string, string | number>): void {
    const rec: LogRecord = { time: round(this.now), severity, service: who, body, trace_id: span.traceId, span_id: span.spanId, attributes }
    this.emitted.push(rec)
    this.outbox.get(who)!.logs.push(rec)
    this.trace.record({ at: this.now, type: 'note', node: who, text: body, data: { severity, trace_id: span.traceId, span_id: span.spanId } })
  }

  private endSpan(who: string, span: OpenSpan, status: 'ok' | 'error'): void {
    span.end = this.now
    span.status = status
    this.open.delete(span.spanId)
    this.ended.push({ ...span })
    this.outbox.get(who)!.spans.push({ ...span })
  }

  private exportAll(): void {
    for (const [who, box] of this.outbox) {
      if (box.logs.length === 0 && box.spans.length === 0) continue
      // The payload only counts what the batch carries (for scenes); the body carries it.
      const payload = { logs: box.logs.length, spans: box.spans.length, metrics: who === CLIENT ? 0 : METRIC_INSTRUMENTS }
      this.net.send(who, COLLECTOR, 'export', { kind: 'export', logs: box.logs.splice(0), spans: box.spans.splice(0) }, payload)
    }
    this.sched.after(this.exportIntervalMs, () => this.exportAll())
  }

  private collect(env: Envelope<Msg>): void {
    const m = env.body
    if (m.kind !== 'export') return
    this.stored.logs.push(...m.logs)
    this.stored.spans.push(...m.spans)
  }

  private hex(words: number): string {
    let s = ''
    for (let i = 0; i < words; i++) s += this.ids.nextUint32().toString(16).padStart(8, '0')
    return s
  }

  private expectService(service: string): void {
    expectArg((SERVICES as readonly string[]).includes(service), 'service', service, `one of ${SERVICES.join(', ')}`)
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000

/** requests_total, in_flight and request_duration_ms: the metric points in each service's export. */
const METRIC_INSTRUMENTS = 3

/** W3C trace context: `00-<trace id>-<parent span id>-01`. */
function traceparent(span: Span): string {
  return `00-${span.traceId}-${span.spanId}-01`
}

function parseTraceparent(header: string): [string, string] {
  const [, traceId, spanId] = header.split('-')
  return [traceId!, spanId!]
}

export function createObservedSystem(opts: ObservabilityOptions): ObservedSystem {
  return new ObservedSystem(opts)
}
